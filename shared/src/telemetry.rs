//! Logging: JSON lines on Lambda (CloudWatch Logs Insights can query the fields), compact text
//! locally. Personal data never goes into a log field; only ids, counts and outcomes do.

use std::fmt::{self, Write as _};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber, span};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields, MakeWriter};
use tracing_subscriber::registry::LookupSpan;

/// The level filter: `RUST_LOG`, else `info` with the SDK's own chatter at `warn`.
fn filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,aws_config=warn,aws_smithy_runtime=warn"))
}

pub fn init() {
    let on_lambda = std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some();
    // `try_init`/`set_global_default` may fail: the local runner and tests may call this twice.
    if on_lambda {
        let _ = tracing::subscriber::set_global_default(json_subscriber(filter(), std::io::stdout));
    } else {
        let colour = std::io::IsTerminal::is_terminal(&std::io::stdout());
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter())
            .with_target(false)
            .with_ansi(colour)
            .compact()
            .try_init();
    }
}

/// The production subscriber: one [`JsonLine`] per event, written to `writer`.
pub fn json_subscriber<W>(filter: EnvFilter, writer: W) -> impl Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .fmt_fields(FlatJsonFields)
        .event_format(JsonLine)
        .with_writer(writer)
        .finish()
}

/// One JSON object per line: `level`, the event's fields (`message` included) at the top level,
/// and `span`: the current span's name and fields (the request and correlation ids).
///
/// tracing-subscriber's own JSON format re-parses every span's stored fields on every line to
/// re-serialise them; that was a quarter of a request's logging cost. The stored fields are
/// already a JSON object, so they are copied as they are.
pub struct JsonLine;

impl<S> FormatEvent<S, FlatJsonFields> for JsonLine
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, FlatJsonFields>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        let mut fields = String::new();
        ctx.format_fields(Writer::new(&mut fields), event)?;
        write!(writer, "{{\"level\":\"{}\"", event.metadata().level())?;
        members(&mut writer, &fields)?;
        if let Some(span) = ctx.lookup_current() {
            write!(writer, ",\"span\":{{\"name\":\"{}\"", span.name())?;
            if let Some(stored) = span.extensions().get::<FormattedFields<FlatJsonFields>>() {
                members(&mut writer, stored)?;
            }
            writer.write_char('}')?;
        }
        writeln!(writer, "}}")
    }
}

/// A span's or an event's fields as one flat JSON object, written as they are visited:
/// `{"message":"order placed","order_id":"o-1","lines":2}`. tracing-subscriber's `JsonFields`
/// puts every field into a map of `serde_json::Value`s first and then serialises the map; in
/// query-api that was about 35 k instructions of a request's 880 k (BENCHMARKS.md).
///
/// Strings are escaped as JSON requires; `Debug` values (the message among them) are written as
/// strings; a float that is not finite is `null`, as `serde_json` writes it.
#[derive(Debug, Default, Clone, Copy)]
pub struct FlatJsonFields;

impl<'writer> FormatFields<'writer> for FlatJsonFields {
    fn format_fields<R: RecordFields>(&self, mut writer: Writer<'writer>, fields: R) -> fmt::Result {
        writer.write_char('{')?;
        let mut members = Members { out: &mut writer, first: true, result: Ok(()) };
        fields.record(&mut members);
        members.result?;
        writer.write_char('}')
    }

    /// Fields recorded on a span after its creation join its object.
    fn add_fields(&self, current: &'writer mut FormattedFields<Self>, fields: &span::Record<'_>) -> fmt::Result {
        let first = match current.fields.strip_suffix('}') {
            Some(open) => {
                let empty = open.trim_end() == "{";
                current.fields.pop();
                empty
            }
            None => {
                current.fields.push('{');
                true
            }
        };
        let mut members = Members { out: &mut current.fields, first, result: Ok(()) };
        fields.record(&mut members);
        members.result?;
        current.fields.push('}');
        Ok(())
    }
}

/// Writes each visited field as a `"name":value` member.
struct Members<'a, W: fmt::Write> {
    out: &'a mut W,
    first: bool,
    result: fmt::Result,
}

impl<W: fmt::Write> Members<'_, W> {
    /// Visitors cannot return errors, so the first one is kept and the rest are skipped.
    fn member(&mut self, field: &Field, value: impl FnOnce(&mut W) -> fmt::Result) {
        if self.result.is_ok() {
            self.result = self.write_member(field, value);
        }
    }

    fn write_member(&mut self, field: &Field, value: impl FnOnce(&mut W) -> fmt::Result) -> fmt::Result {
        if !self.first {
            self.out.write_char(',')?;
        }
        self.first = false;
        let name = field.name();
        self.out.write_char('"')?;
        Escaped(&mut *self.out).write_str(name.strip_prefix("r#").unwrap_or(name))?;
        self.out.write_str("\":")?;
        value(self.out)
    }
}

impl<W: fmt::Write> Visit for Members<'_, W> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.member(field, |out| {
            out.write_char('"')?;
            Escaped(&mut *out).write_str(value)?;
            out.write_char('"')
        });
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.member(field, |out| {
            out.write_char('"')?;
            write!(Escaped(&mut *out), "{value:?}")?;
            out.write_char('"')
        });
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.member(field, |out| out.write_str(itoa::Buffer::new().format(value)));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.member(field, |out| out.write_str(itoa::Buffer::new().format(value)));
    }

    fn record_i128(&mut self, field: &Field, value: i128) {
        self.member(field, |out| out.write_str(itoa::Buffer::new().format(value)));
    }

    fn record_u128(&mut self, field: &Field, value: u128) {
        self.member(field, |out| out.write_str(itoa::Buffer::new().format(value)));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.member(field, |out| out.write_str(if value { "true" } else { "false" }));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.member(field, |out| if value.is_finite() { write!(out, "{value}") } else { out.write_str("null") });
    }
}

/// Writes text as the inside of a JSON string: quotes, backslashes and control characters
/// escaped, everything else copied in runs.
struct Escaped<'a, W: fmt::Write>(&'a mut W);

impl<W: fmt::Write> fmt::Write for Escaped<'_, W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let mut run = 0;
        for (i, byte) in text.bytes().enumerate() {
            let escape = match byte {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0..0x20 => "",
                _ => continue,
            };
            self.0.write_str(&text[run..i])?;
            if escape.is_empty() {
                write!(self.0, "\\u{byte:04x}")?;
            } else {
                self.0.write_str(escape)?;
            }
            run = i + 1;
        }
        self.0.write_str(&text[run..])
    }
}

/// Appends the members of a JSON object, after a comma: `{"a":1}` → `,"a":1`; `{}` → nothing.
fn members(writer: &mut Writer<'_>, object: &str) -> std::fmt::Result {
    let inner = object.trim().strip_prefix('{').and_then(|o| o.strip_suffix('}')).unwrap_or("").trim();
    if inner.is_empty() { Ok(()) } else { write!(writer, ",{inner}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lines").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn logged(f: impl FnOnce()) -> Vec<serde_json::Value> {
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = json_subscriber(EnvFilter::new("info"), move || writer.clone());
        tracing::subscriber::with_default(subscriber, f);
        let text = String::from_utf8(lines.0.lock().expect("lines").clone()).expect("utf-8");
        text.lines().map(|l| serde_json::from_str(l).expect("each line is one JSON object")).collect()
    }

    #[test]
    fn a_line_holds_level_fields_and_the_current_span() {
        let lines = logged(|| {
            let span = tracing::info_span!("http", function = "place-order", request_id = "r-1");
            span.in_scope(|| tracing::info!(order_id = "o-1", lines = 2, "order \"placed\""));
        });
        assert_eq!(
            lines,
            vec![serde_json::json!({
                "level": "INFO", "message": "order \"placed\"", "order_id": "o-1", "lines": 2,
                "span": {"name": "http", "function": "place-order", "request_id": "r-1"}
            })]
        );
    }

    #[test]
    fn strings_are_escaped_and_numbers_bools_and_floats_keep_their_json_types() {
        let lines = logged(|| {
            let text = "quote \" backslash \\ newline \n tab \t bell \u{7} ação ✓";
            tracing::info!(text, count = -3i64, total = 18_446_744_073_709_551_615u64,
                ok = true, ratio = 1.5f64, nan = f64::NAN, debug = ?("a\"b", 2), "said \"{}\"", "hi");
        });
        assert_eq!(
            lines,
            vec![serde_json::json!({
                "level": "INFO", "message": "said \"hi\"",
                "text": "quote \" backslash \\ newline \n tab \t bell \u{7} ação ✓",
                "count": -3, "total": 18_446_744_073_709_551_615u64,
                "ok": true, "ratio": 1.5, "nan": null, "debug": "(\"a\\\"b\", 2)",
            })]
        );
    }

    #[test]
    fn fields_recorded_on_a_span_later_join_its_object() {
        let lines = logged(|| {
            let span = tracing::info_span!("http", request_id = "r-1", status = tracing::field::Empty);
            span.record("status", 201u64);
            span.in_scope(|| tracing::info!("done"));
            let empty = tracing::info_span!("bare", later = tracing::field::Empty);
            empty.record("later", "x");
            empty.in_scope(|| tracing::info!("again"));
        });
        assert_eq!(lines[0]["span"], serde_json::json!({"name": "http", "request_id": "r-1", "status": 201}));
        assert_eq!(lines[1]["span"], serde_json::json!({"name": "bare", "later": "x"}));
    }

    #[test]
    fn a_line_outside_any_span_has_no_span() {
        let lines = logged(|| tracing::warn!("bare"));
        assert_eq!(lines, vec![serde_json::json!({"level": "WARN", "message": "bare"})]);
    }
}
