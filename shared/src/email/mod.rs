//! Order e-mails as customers receive them: rendered from one template per kind, in plain text
//! and HTML (`templates/email/`, through askama: the templates are compiled and type-checked with
//! the crate, so a field a template names and the order lacks fails the build, not a send, and
//! HTML is escaped by default), and written as a MIME message (mail-builder) for SES to send.

pub mod ses;

use crate::domain::language::Language;
use crate::domain::mail::{self, Kind, Trigger};
use crate::domain::order::Order;
use askama::Template;

/// One line of the order as the e-mail shows it.
pub struct Line {
    pub name: String,
    pub quantity: u64,
    pub total: String,
}

/// What the templates see: everything already in the customer's words and money.
struct View<'a> {
    kind: Kind,
    pt: bool,
    language: &'static str,
    subject: &'a str,
    shop: &'a str,
    name: &'a str,
    order_id: &'a str,
    lines: Vec<Line>,
    total: String,
    carrier: String,
    tracking_number: String,
    tracking_url: Option<String>,
    amount: Option<String>,
    expired: bool,
}

#[derive(Template)]
#[template(path = "email/mail.html")]
struct Html<'a> {
    v: &'a View<'a>,
}

#[derive(Template)]
#[template(path = "email/mail.txt")]
struct Text<'a> {
    v: &'a View<'a>,
}

impl<'a> std::ops::Deref for Html<'a> {
    type Target = View<'a>;
    fn deref(&self) -> &View<'a> {
        self.v
    }
}

impl<'a> std::ops::Deref for Text<'a> {
    type Target = View<'a>;
    fn deref(&self) -> &View<'a> {
        self.v
    }
}

/// A rendered e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error)]
#[error("the e-mail could not be rendered: {0}")]
pub struct RenderError(String);

/// Renders the e-mail `trigger` asks for, about `order`, to `name` in `language`.
pub fn render(
    trigger: &Trigger,
    order: &Order,
    name: &str,
    language: Language,
    shop: &str,
) -> Result<Rendered, RenderError> {
    let order_id = order.id.to_string();
    let subject = mail::subject(trigger.kind, language, shop, &order_id);
    let shipment = order.shipment();
    let view = View {
        kind: trigger.kind,
        pt: language == Language::PtBr,
        language: language.tag(),
        subject: &subject,
        shop,
        name,
        order_id: &order_id,
        lines: order
            .lines
            .iter()
            .map(|l| Line { name: l.name.clone(), quantity: l.quantity, total: language.money(l.line_total) })
            .collect(),
        total: language.money(order.total),
        carrier: shipment.map(|s| s.carrier.clone()).unwrap_or_default(),
        tracking_number: shipment.map(|s| s.tracking_number.clone()).unwrap_or_default(),
        tracking_url: shipment.and_then(|s| mail::tracking_url(&s.carrier, &s.tracking_number)),
        amount: trigger.amount.map(|m| language.money(m)),
        expired: trigger.expired,
    };
    let html = Html { v: &view }.render().map_err(|e| RenderError(e.to_string()))?;
    let text = Text { v: &view }.render().map_err(|e| RenderError(e.to_string()))?;
    Ok(Rendered { subject, text, html })
}

/// The message as SES sends it: `From` the shop, `To` the customer, both bodies as
/// multipart/alternative, and a `Message-ID` of our own so a reply can be threaded. With a
/// `reply_to` (the service inbox's address), the customer's answer reaches the inbox.
pub fn mime(
    from: &str,
    shop: &str,
    to: (&str, &str),
    rendered: &Rendered,
    message_id: &str,
    reply_to: Option<&str>,
) -> Vec<u8> {
    let mut message = mail_builder::MessageBuilder::new()
        .from((shop, from))
        .to(vec![(to.0, to.1)])
        .subject(rendered.subject.as_str())
        .message_id(message_id)
        .text_body(rendered.text.as_str())
        .html_body(rendered.html.as_str());
    if let Some(address) = reply_to {
        message = message.reply_to((shop, address));
    }
    message.write_to_vec().unwrap_or_default()
}

/// A reply staff wrote, as the customer receives it.
pub struct Reply<'a> {
    /// The shop's name and its support address.
    pub from: (&'a str, &'a str),
    /// Where the customer's answer goes: the support address with the conversation's token.
    pub reply_to: &'a str,
    pub to: (&'a str, &'a str),
    pub subject: &'a str,
    pub text: &'a str,
    pub message_id: &'a str,
    pub in_reply_to: Option<&'a str>,
    pub references: &'a [String],
}

/// The reply as SES sends it: plain text only (what staff typed, never HTML), threaded under
/// the customer's e-mails by `In-Reply-To` and `References`.
pub fn reply_mime(reply: &Reply<'_>) -> Vec<u8> {
    let mut message = mail_builder::MessageBuilder::new()
        .from(reply.from)
        .to(vec![reply.to])
        .reply_to(reply.reply_to)
        .subject(reply.subject)
        .message_id(reply.message_id)
        .text_body(reply.text);
    if let Some(parent) = reply.in_reply_to {
        message = message.in_reply_to(parent);
    }
    if !reply.references.is_empty() {
        message = message.references(reply.references);
    }
    message.write_to_vec().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fulfillment;
    use crate::domain::mail::Trigger;
    use crate::domain::order::tests_support::placed_with_stock;

    fn shipped() -> Order {
        let (mut order, _) = placed_with_stock();
        order.status = crate::domain::order::OrderStatus::Paid;
        let now = chrono::Utc::now();
        let (picking, _) = fulfillment::start_picking(&order).unwrap().unwrap();
        let (packed, _) = fulfillment::pack(&picking, now).unwrap().unwrap();
        fulfillment::ship(&packed, "Correios", "BR123456789BR", now).unwrap().unwrap().0
    }

    fn trigger(kind: Kind, order: &Order) -> Trigger {
        Trigger { kind, order_id: order.id.to_string(), amount: None, expired: false }
    }

    #[test]
    fn a_shipped_email_names_the_carrier_links_the_tracking_and_lists_the_lines_in_local_money() {
        let order = shipped();
        let pt = render(&trigger(Kind::Shipped, &order), &order, "Ana", Language::PtBr, "Loja").unwrap();
        assert!(pt.subject.starts_with("Loja: Seu pedido foi enviado"), "{}", pt.subject);
        assert!(pt.text.contains("Olá, Ana."), "{}", pt.text);
        assert!(pt.text.contains("Correios") && pt.text.contains("BR123456789BR"), "{}", pt.text);
        assert!(pt.html.contains("href=\"https://rastreamento.correios.com.br/app/index.php?objeto=BR123456789BR\""));
        let line = &order.lines[0];
        let money = Language::PtBr.money(line.line_total);
        assert!(pt.text.contains(&format!("{} x {}: {money}", line.quantity, line.name)), "{}", pt.text);
        assert!(money.contains(','), "Brazilian decimals: {money}");
        let en = render(&trigger(Kind::Shipped, &order), &order, "Ana", Language::En, "Shop").unwrap();
        assert!(en.text.starts_with("Hello Ana,") && en.text.contains("Tracking number: BR123456789BR"));
        assert!(en.text.contains(&Language::En.money(order.total)), "{}", en.text);
    }

    #[test]
    fn what_a_customer_typed_is_escaped_in_html_and_every_kind_renders_in_both_languages() {
        let order = shipped();
        let hostile = "<script>alert(1)</script>";
        for language in Language::ALL {
            for kind in [
                Kind::Placed,
                Kind::Paid,
                Kind::Shipped,
                Kind::Delivered,
                Kind::Cancelled,
                Kind::RefundIssued,
                Kind::ReturnReceived,
            ] {
                let mut t = trigger(kind, &order);
                t.amount = Some(order.total);
                let r = render(&t, &order, hostile, language, "Shop").unwrap();
                assert!(!r.html.contains("<script>"), "{kind:?} {language}: {}", r.html);
                assert!(r.html.contains("&#60;script&#62;alert(1)"), "{kind:?}: {}", r.html);
                assert!(
                    r.text.contains(&language.money(order.total)) || kind == Kind::Delivered,
                    "{kind:?} {language}: {}",
                    r.text
                );
            }
        }
    }

    #[test]
    fn the_message_carries_both_bodies_and_our_message_id() {
        let order = shipped();
        let r = render(&trigger(Kind::Paid, &order), &order, "Ana", Language::PtBr, "Loja").unwrap();
        let raw = String::from_utf8(mime(
            "pedidos@loja.example",
            "Loja",
            ("Ana", "ana@example.com"),
            &r,
            "abc@loja.example",
            Some("suporte@loja.example"),
        ))
        .unwrap();
        assert!(raw.contains("Reply-To: \"Loja\" <suporte@loja.example>"), "{raw}");
        assert!(raw.contains("Message-ID: <abc@loja.example>"), "{raw}");
        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(raw.contains("To: \"Ana\" <ana@example.com>") || raw.contains("To: Ana <ana@example.com>"), "{raw}");
    }

    #[test]
    fn a_reply_is_threaded_and_answered_to_the_conversations_address() {
        let references = vec!["c1@mail.example".to_owned(), "r1@loja.example".to_owned()];
        let raw = String::from_utf8(reply_mime(&Reply {
            from: ("Loja", "suporte@loja.example"),
            reply_to: "suporte+tok1@loja.example",
            to: ("Ana", "ana@example.com"),
            subject: "Re: Caneca",
            text: "<b>Enviamos outra</b>",
            message_id: "r2@loja.example",
            in_reply_to: Some("c1@mail.example"),
            references: &references,
        }))
        .unwrap();
        for header in [
            "Message-ID: <r2@loja.example>",
            "In-Reply-To: <c1@mail.example>",
            "References: <c1@mail.example> <r1@loja.example>",
            "Reply-To: <suporte+tok1@loja.example>",
        ] {
            assert!(raw.contains(header), "{header} in {raw}");
        }
        assert!(!raw.contains("text/html"), "plain text only: {raw}");
    }
}
