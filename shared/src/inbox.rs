//! Reading a customer's e-mail as it reached the shop (the raw MIME message SES stored), for the
//! service inbox. The message is hostile until read: its size is bounded before parsing, its
//! text is kept as text (an HTML-only message is converted to text, never kept or shown as
//! HTML), its subject becomes one harmless line, and an attachment is kept only when it is
//! small and its bytes are what its type claims (a picture, a PDF, plain text); an archive is
//! never opened, so a zip bomb is refused unread. Nothing here does I/O.

use crate::domain::OrderId;
use crate::domain::conversation::{MAX_TEXT_CHARS, clean_subject, clean_text};
use mail_parser::{MessageParser, MimeHeaders};

/// The largest message read (SES accepts up to 40 MB; a customer's question is far smaller).
pub const MAX_MESSAGE_BYTES: usize = 10 * 1024 * 1024;
/// The largest attachment kept, and how many.
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_ATTACHMENTS: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InboundError {
    #[error("the message is larger than {MAX_MESSAGE_BYTES} bytes")]
    TooLarge,
    #[error("the message is not a MIME message")]
    Unreadable,
    #[error("the message names no sender address")]
    NoSender,
}

/// An attachment kept, with the type its bytes showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// An attachment not kept, and why (shown to staff, so nothing is lost silently).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub filename: String,
    pub reason: &'static str,
}

/// A message, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    pub from: String,
    pub name: Option<String>,
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub message_id: Option<String>,
    /// `In-Reply-To` and `References`, newest last: the messages this one answers.
    pub answers: Vec<String>,
    pub attachments: Vec<Kept>,
    pub refused: Vec<Refused>,
}

/// The type an attachment's first bytes show, among those kept.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if std::str::from_utf8(bytes).is_ok_and(|t| !t.contains('\0')) {
        Some("text/plain")
    } else {
        None
    }
}

/// A file name as kept: its last path segment, without controls or header syntax, at most 100
/// characters.
fn safe_filename(raw: Option<&str>, n: usize) -> String {
    let base = raw.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    // Quotes, backslashes and semicolons would end the name in the download's
    // `Content-Disposition`.
    let cleaned: String =
        base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | ';')).take(100).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() { format!("attachment-{n}") } else { cleaned }
}

/// A `Message-ID` as kept: printable ASCII with no space or angle bracket, at most 250
/// characters. Anything else is dropped: these ids go back out in our replies' headers.
fn safe_id(raw: &str) -> Option<String> {
    let id = raw.trim().trim_start_matches('<').trim_end_matches('>');
    let ok = !id.is_empty() && id.len() <= 250 && id.bytes().all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>');
    ok.then(|| id.to_owned())
}

/// Reads a raw message.
pub fn read(raw: &[u8]) -> Result<Read, InboundError> {
    if raw.len() > MAX_MESSAGE_BYTES {
        return Err(InboundError::TooLarge);
    }
    let message = MessageParser::default().parse(raw).ok_or(InboundError::Unreadable)?;
    let from = message.from().and_then(|a| a.first()).ok_or(InboundError::NoSender)?;
    let address =
        from.address().map(|a| a.trim().to_lowercase()).filter(|a| a.contains('@')).ok_or(InboundError::NoSender)?;
    let to = message
        .to()
        .into_iter()
        .flat_map(|a| a.iter())
        .filter_map(|a| a.address().map(|x| x.trim().to_lowercase()))
        .collect();
    let text = message.body_text(0).map(|t| clean_text(&t, MAX_TEXT_CHARS)).unwrap_or_default();
    let mut answers: Vec<String> = Vec::new();
    for header in [message.references(), message.in_reply_to()] {
        for id in header
            .as_text_list()
            .into_iter()
            .flatten()
            .map(|c| c.to_string())
            .chain(header.as_text().map(str::to_owned))
        {
            if let Some(id) = safe_id(&id)
                && !answers.contains(&id)
            {
                answers.push(id);
            }
        }
    }
    let (mut attachments, mut refused) = (Vec::new(), Vec::new());
    for (n, part) in message.attachments().enumerate() {
        let filename = safe_filename(part.attachment_name(), n + 1);
        let bytes = part.contents();
        let reason = if n >= MAX_ATTACHMENTS {
            Some("too many attachments")
        } else if bytes.len() > MAX_ATTACHMENT_BYTES {
            Some("larger than 5 MB")
        } else {
            None
        };
        match (reason, sniff(bytes)) {
            (Some(reason), _) => refused.push(Refused { filename, reason }),
            (None, None) => refused.push(Refused { filename, reason: "not a picture, a PDF or plain text" }),
            (None, Some(content_type)) => attachments.push(Kept { filename, content_type, bytes: bytes.to_vec() }),
        }
    }
    Ok(Read {
        from: address,
        name: from.name().map(clean_subject),
        to,
        subject: clean_subject(message.subject().unwrap_or("")),
        text,
        message_id: message.message_id().and_then(safe_id),
        answers,
        attachments,
        refused,
    })
}

/// The reply token of an address we sent from (`support+{token}@…`), if one of `to` is ours.
pub fn reply_token<'a>(to: &'a [String], mailbox: &str) -> Option<&'a str> {
    to.iter().find_map(|address| {
        let local = address.split('@').next()?;
        let token = local.strip_prefix(mailbox)?.strip_prefix('+')?;
        (!token.is_empty() && token.len() <= 64 && token.chars().all(|c| c.is_ascii_alphanumeric())).then_some(token)
    })
}

/// The first order id (a 26-character ULID) the subject or the text names.
pub fn order_named(subject: &str, text: &str) -> Option<OrderId> {
    [subject, text]
        .into_iter()
        .flat_map(|t| t.split(|c: char| !c.is_ascii_alphanumeric()))
        .find_map(|word| (word.len() == 26).then(|| OrderId::parse("order", &word.to_ascii_uppercase()).ok()).flatten())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reply as a mail client writes it: multipart/alternative with a quoted reply, a photo,
    /// a subject in RFC 2047 encoding.
    fn real_world() -> Vec<u8> {
        let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
        format!(
            "From: =?UTF-8?Q?Jo=C3=A3o_Ara=C3=BAjo?= <Joao@Example.com>\r\n\
             To: Loja <support+tok123@loja.example>\r\n\
             Subject: =?UTF-8?B?UmU6IENhbmVjYSBxdWVicmFkYSDigJQgcGVkaWRvIDAxS0FTMDAwMDAwMDAwMDAwMDAwMDAwMDBa?=\r\n\
             Message-ID: <reply-1@mail.example.com>\r\n\
             In-Reply-To: <evt-1@loja.example>\r\n\
             References: <evt-0@loja.example> <evt-1@loja.example>\r\n\
             MIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n\
             --mix\r\n\
             Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n\
             --alt\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\
             Content-Transfer-Encoding: quoted-printable\r\n\r\n\
             A caneca chegou quebrada.=0D=0A=0D=0A> Em 7 dez, Loja escreveu:=0D=0A> Seu pedido foi enviado\r\n\
             --alt\r\n\
             Content-Type: text/html; charset=utf-8\r\n\r\n\
             <p>A caneca chegou quebrada.</p><script>alert(1)</script>\r\n\
             --alt--\r\n\
             --mix\r\n\
             Content-Type: image/png; name=\"../../etc/caneca.png\"\r\n\
             Content-Disposition: attachment; filename=\"../../etc/caneca.png\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n\
             {png}\r\n\
             --mix--\r\n"
        )
        .into_bytes()
    }

    #[test]
    fn a_real_world_reply_is_read_with_its_text_thread_and_photo() {
        let read = read(&real_world()).unwrap();
        assert_eq!(read.from, "joao@example.com");
        assert_eq!(read.name.as_deref(), Some("João Araújo"));
        assert_eq!(read.subject, "Re: Caneca quebrada — pedido 01KAS00000000000000000000Z");
        assert!(read.text.starts_with("A caneca chegou quebrada."), "{}", read.text);
        assert!(!read.text.contains("<script>"), "the text part is kept, not the HTML");
        assert_eq!(read.message_id.as_deref(), Some("reply-1@mail.example.com"));
        assert!(read.answers.contains(&"evt-1@loja.example".to_owned()), "{:?}", read.answers);
        assert_eq!(read.attachments.len(), 1);
        assert_eq!(
            (read.attachments[0].filename.as_str(), read.attachments[0].content_type),
            ("caneca.png", "image/png")
        );
        assert_eq!(reply_token(&read.to, "support"), Some("tok123"));
        assert_eq!(
            order_named(&read.subject, &read.text).map(|o| o.to_string()).as_deref(),
            Some("01KAS00000000000000000000Z")
        );
    }

    #[test]
    fn hostile_mail_is_refused_or_neutralised() {
        // A 30 MB message is refused before it is parsed
        let huge = vec![b'a'; 30 * 1024 * 1024];
        assert_eq!(read(&huge), Err(InboundError::TooLarge));
        // HTML only: converted to text, the script never kept
        let html = b"From: a@example.com\r\nSubject: hi\r\nContent-Type: text/html\r\n\r\n<p>Hello <b>there</b></p><script>steal()</script>\r\n";
        let r = read(html).unwrap();
        assert!(r.text.contains("Hello") && !r.text.contains("<script>") && !r.text.contains("<p>"), "{}", r.text);
        // A header injection in the subject stays one line
        let injected = b"From: a@example.com\r\nSubject: =?UTF-8?Q?Hi=0D=0ABcc:_victim@example.com?=\r\n\r\nbody\r\n";
        let r = read(injected).unwrap();
        assert!(!r.subject.contains('\n') && !r.subject.contains('\r'), "{:?}", r.subject);
        // A zip (a zip bomb, for all we know) is refused unopened, and said so
        let zip = "From: a@example.com\r\nSubject: files\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename=bomb.zip\r\nContent-Transfer-Encoding: base64\r\n\r\nUEsDBBQAAAAIAAAAIQA=\r\n--b--\r\n";
        let r = read(zip.as_bytes()).unwrap();
        assert!(r.attachments.is_empty());
        assert_eq!(
            r.refused,
            vec![Refused { filename: "bomb.zip".into(), reason: "not a picture, a PDF or plain text" }]
        );
        // A Message-ID that would break out of a header is dropped, not echoed in our reply
        let ids = b"From: a@example.com\r\nMessage-ID: <a b@x>\r\nIn-Reply-To: <ok@x>\r\n\r\nhi\r\n";
        let r = read(ids).unwrap();
        assert_eq!((r.message_id, r.answers), (None, vec!["ok@x".to_owned()]));
        // A message with no sender is not filed
        assert_eq!(read(b"Subject: nobody\r\n\r\nhi\r\n"), Err(InboundError::NoSender));
    }

    #[test]
    fn only_our_own_reply_address_carries_a_token() {
        let to = vec!["support+abc@loja.example".to_owned(), "other@x.example".to_owned()];
        assert_eq!(reply_token(&to, "support"), Some("abc"));
        assert_eq!(reply_token(&["support+a%2F..@x".to_owned()], "support"), None);
        assert_eq!(reply_token(&["support@x".to_owned()], "support"), None);
        assert_eq!(safe_filename(Some("..\\evil\";.html"), 1), "evil.html");
        assert_eq!(safe_filename(Some("..."), 2), "attachment-2");
        assert_eq!(order_named("no order here", "nor here"), None);
    }
}
