//! Logging through `tracing-subscriber`, as Lambda's advanced logging controls ask: JSON lines
//! when `AWS_LAMBDA_LOG_FORMAT` is `JSON` (CloudWatch Logs Insights queries the fields), and
//! on Lambda when no format is set; compact text otherwise (the local runner, a terminal).
//! `AWS_LAMBDA_LOG_LEVEL` sets the level, else `RUST_LOG`, else `info`; the SDK's own chatter
//! stays at `warn` unless `RUST_LOG` says otherwise.
//!
//! A JSON line holds the event's fields at the top level and `spans`: every open span with its
//! fields — the runtime's (`requestId`, `xrayTraceId`), the invocation's (`cold_start`) and the
//! request's or message's (`correlation_id`). Personal data never goes into a log field; only
//! ids, counts and outcomes do.

use tracing::Subscriber;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// How lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Text,
}

/// What the environment asks for, from the variables Lambda sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub format: Format,
    pub filter: String,
}

const QUIET_SDK: &str = "aws_config=warn,aws_smithy_runtime=warn";

impl Settings {
    /// Reads the settings through `var` (the process environment, or a test's table).
    pub fn from_lookup(var: &dyn Fn(&str) -> Option<String>) -> Self {
        let format = match var("AWS_LAMBDA_LOG_FORMAT") {
            Some(f) if f.eq_ignore_ascii_case("json") => Format::Json,
            Some(f) if f.eq_ignore_ascii_case("text") => Format::Text,
            _ if var("AWS_LAMBDA_FUNCTION_NAME").is_some() => Format::Json,
            _ => Format::Text,
        };
        // Lambda's levels are TRACE, DEBUG, INFO, WARN, ERROR and FATAL; tracing has no FATAL.
        let filter = match var("AWS_LAMBDA_LOG_LEVEL").map(|l| l.to_ascii_lowercase()) {
            Some(level) if level == "fatal" => format!("error,{QUIET_SDK}"),
            Some(level) => format!("{level},{QUIET_SDK}"),
            None => var("RUST_LOG").unwrap_or_else(|| format!("info,{QUIET_SDK}")),
        };
        Self { format, filter }
    }

    fn env_filter(&self) -> EnvFilter {
        EnvFilter::try_new(&self.filter).unwrap_or_else(|_| EnvFilter::new(format!("info,{QUIET_SDK}")))
    }
}

/// Installs the process's subscriber. A second call (the local runner and the tests may make
/// one) leaves the first in place.
pub fn init() {
    let settings = Settings::from_lookup(&|name| std::env::var(name).ok());
    match settings.format {
        Format::Json => {
            let _ = tracing::subscriber::set_global_default(json_subscriber(settings.env_filter(), std::io::stdout));
        }
        Format::Text => {
            let colour = std::io::IsTerminal::is_terminal(&std::io::stdout());
            let _ = tracing_subscriber::fmt()
                .with_env_filter(settings.env_filter())
                .with_target(false)
                .with_ansi(colour)
                .compact()
                .try_init();
        }
    }
}

/// The production subscriber: tracing-subscriber's JSON lines, written to `writer`.
pub fn json_subscriber<W>(filter: EnvFilter, writer: W) -> impl Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(true)
        .with_target(false)
        .with_env_filter(filter)
        .with_writer(writer)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
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

    /// The span a field is in, by the field's name.
    fn span_field<'a>(line: &'a serde_json::Value, name: &str) -> Option<&'a serde_json::Value> {
        line["spans"].as_array()?.iter().find_map(|span| span.get(name))
    }

    #[test]
    fn every_line_of_an_invocation_names_the_lambda_request_the_correlation_and_the_cold_start() {
        let lines = logged(|| {
            for request_id in ["req-1", "req-2"] {
                let mut ctx = lambda_runtime::Context::default();
                ctx.request_id = request_id.into();
                ctx.xray_trace_id = Some("Root=1-abc".into());
                // As the runtime, `lambda::serve_*` and `http::serve` nest them.
                let _runtime = lambda_runtime::layers::trace::request_span(&ctx).entered();
                let _invocation = crate::lambda::invocation_span().entered();
                let _request = tracing::info_span!("http", correlation_id = "c-1").entered();
                tracing::info!(order_id = "o-1", "order placed");
            }
        });
        assert_eq!(lines.len(), 2);
        for (line, (request_id, cold)) in lines.iter().zip([("req-1", true), ("req-2", false)]) {
            assert_eq!(line["level"], "INFO");
            assert_eq!(line["message"], "order placed");
            assert_eq!(line["order_id"], "o-1", "event fields at the top level");
            assert_eq!(span_field(line, "requestId"), Some(&serde_json::json!(request_id)), "{line}");
            assert_eq!(span_field(line, "xrayTraceId"), Some(&serde_json::json!("Root=1-abc")));
            assert_eq!(span_field(line, "correlation_id"), Some(&serde_json::json!("c-1")));
            assert_eq!(span_field(line, "cold_start"), Some(&serde_json::json!(cold)), "{line}");
        }
    }

    #[test]
    fn strings_are_escaped_and_numbers_bools_keep_their_json_types() {
        let lines = logged(|| {
            let text = "quote \" backslash \\ newline \n ação ✓";
            tracing::info!(text, count = -3i64, total = u64::MAX, ok = true, "said \"{}\"", "hi");
        });
        assert_eq!(lines[0]["message"], "said \"hi\"");
        assert_eq!(lines[0]["text"], "quote \" backslash \\ newline \n ação ✓");
        assert_eq!(
            (&lines[0]["count"], &lines[0]["total"], &lines[0]["ok"]),
            (&serde_json::json!(-3), &serde_json::json!(u64::MAX), &serde_json::json!(true))
        );
    }

    fn settings(vars: &[(&str, &str)]) -> Settings {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_lookup(&|name| vars.get(name).cloned())
    }

    #[test]
    fn lambdas_log_controls_choose_the_format_and_the_level() {
        assert_eq!(settings(&[]).format, Format::Text, "locally");
        assert_eq!(settings(&[]).filter, format!("info,{QUIET_SDK}"));
        assert_eq!(settings(&[("AWS_LAMBDA_FUNCTION_NAME", "f")]).format, Format::Json, "on Lambda");
        assert_eq!(
            settings(&[("AWS_LAMBDA_FUNCTION_NAME", "f"), ("AWS_LAMBDA_LOG_FORMAT", "Text")]).format,
            Format::Text
        );
        assert_eq!(settings(&[("AWS_LAMBDA_LOG_FORMAT", "JSON")]).format, Format::Json);
        assert_eq!(settings(&[("RUST_LOG", "debug")]).filter, "debug");
        let lambda_wins = settings(&[("RUST_LOG", "debug"), ("AWS_LAMBDA_LOG_LEVEL", "WARN")]);
        assert_eq!(lambda_wins.filter, format!("warn,{QUIET_SDK}"));
        assert_eq!(settings(&[("AWS_LAMBDA_LOG_LEVEL", "FATAL")]).filter, format!("error,{QUIET_SDK}"));
    }
}
