//! Logging: JSON lines on Lambda (CloudWatch Logs Insights can query the fields), compact text
//! locally. Personal data never goes into a log field; only ids, counts and outcomes do.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,aws_config=warn,aws_smithy_runtime=warn"));
    let on_lambda = std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some();
    let colour = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).with_ansi(colour);
    // `try_init`: the local runner and tests may call this more than once.
    let _ = if on_lambda {
        // The current span carries the request and correlation ids; the list of all spans
        // would repeat it (one span deep) at the cost of re-parsing it on every line.
        builder.json().flatten_event(true).with_current_span(true).with_span_list(false).without_time().try_init()
    } else {
        builder.compact().try_init()
    };
}
