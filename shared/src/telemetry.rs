//! Logging: JSON lines on Lambda (CloudWatch Logs Insights can query the fields), compact text
//! locally. Personal data never goes into a log field; only ids, counts and outcomes do.

use tracing::{Event, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::{JsonFields, Writer};
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
        .fmt_fields(JsonFields::new())
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

impl<S> FormatEvent<S, JsonFields> for JsonLine
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, JsonFields>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        let mut fields = String::new();
        ctx.format_fields(Writer::new(&mut fields), event)?;
        write!(writer, "{{\"level\":\"{}\"", event.metadata().level())?;
        members(&mut writer, &fields)?;
        if let Some(span) = ctx.lookup_current() {
            write!(writer, ",\"span\":{{\"name\":\"{}\"", span.name())?;
            if let Some(stored) = span.extensions().get::<FormattedFields<JsonFields>>() {
                members(&mut writer, stored)?;
            }
            writer.write_char('}')?;
        }
        writeln!(writer, "}}")
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
    fn a_line_outside_any_span_has_no_span() {
        let lines = logged(|| tracing::warn!("bare"));
        assert_eq!(lines, vec![serde_json::json!({"level": "WARN", "message": "bare"})]);
    }
}
