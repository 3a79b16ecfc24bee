//! `backoffice-local`: the whole backoffice on your machine, no AWS account and no Docker.
//! Finds or starts a kept moto (unless `AWS_ENDPOINT_URL` points at one), creates the table,
//! topic and queues from `template.yaml` if they are not there yet, loads demo data, serves every
//! HTTP route on 127.0.0.1:$PORT (3000) and runs the stream and queue pollers. The shop survives
//! restarts of the runner, `kill -9` included; `RESET=1` starts empty.

use backoffice_local::auth::JwtVerifier;
use backoffice_local::console::ConsoleAuth;
use backoffice_local::{Backoffice, KeptMoto, demo, template};
use std::sync::Arc;
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), backoffice_local::BoxError> {
    // `backoffice-local token [SCOPE...]`: prints a bearer token for LOCAL_AUTH=jwt (1 hour;
    // every scope of template.yaml when none are named).
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("token") {
        let template = template::load_default()?;
        let scopes = if args.len() > 1 { args[1..].to_vec() } else { template.all_scopes() };
        let verifier = backoffice_local::auth::JwtVerifier::from_env();
        let claims = verifier.claims("local-operator", &scopes, chrono::Utc::now().timestamp(), 3600);
        println!("{}", verifier.mint(&claims));
        return Ok(());
    }
    let data_dir = std::path::PathBuf::from(std::env::var("LOCAL_DATA_DIR").unwrap_or_else(|_| ".local".to_owned()));
    // `backoffice-local invoke <FunctionLogicalId> <event.json>`: one function, one event, against
    // the emulator `make run` keeps (or AWS_ENDPOINT_URL's); prints its answer, as `sam local
    // invoke` does.
    if args.first().map(String::as_str) == Some("invoke") {
        let [_, function, file] = args.as_slice() else {
            return Err("usage: backoffice-local invoke <FunctionLogicalId> <event.json>".into());
        };
        let event = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
        let endpoint = match std::env::var("AWS_ENDPOINT_URL") {
            Ok(endpoint) => endpoint,
            Err(_) => KeptMoto::find_or_start(&data_dir)?.endpoint,
        };
        let app = Backoffice::new(template::load_default()?, &endpoint, "").await?;
        let answer = app.invoke_event(function, &event).await?;
        println!("{}", serde_json::to_string_pretty(&answer)?);
        return Ok(());
    }
    // `backoffice-local mail <file.eml> [spf=FAIL dkim=… dmarc=… spam=… virus=…]`: delivers a raw
    // e-mail to the inbox as SES's receipt rule would (verdicts PASS unless given), against the
    // emulator `make run` keeps; prints what was filed.
    if args.first().map(String::as_str) == Some("mail") {
        let Some(file) = args.get(1) else {
            return Err("usage: backoffice-local mail <file.eml> [spf=PASS|FAIL dkim=… dmarc=… spam=… virus=…]".into());
        };
        let raw = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
        let mut verdicts = backoffice_local::inbound_mail::Verdicts::default();
        for arg in &args[2..] {
            let (name, value) = arg.split_once('=').ok_or_else(|| format!("{arg}: expected NAME=VERDICT"))?;
            let slot = match name {
                "spf" => &mut verdicts.spf,
                "dkim" => &mut verdicts.dkim,
                "dmarc" => &mut verdicts.dmarc,
                "spam" => &mut verdicts.spam,
                "virus" => &mut verdicts.virus,
                other => return Err(format!("{other}: one of spf, dkim, dmarc, spam, virus").into()),
            };
            *slot = value.to_ascii_uppercase();
        }
        let endpoint = match std::env::var("AWS_ENDPOINT_URL") {
            Ok(endpoint) => endpoint,
            Err(_) => KeptMoto::find_or_start(&data_dir)?.endpoint,
        };
        let app = Backoffice::new(template::load_default()?, &endpoint, "").await?;
        let filed = app.deliver_mail(&raw, &verdicts).await?;
        println!("{}", serde_json::to_string_pretty(&filed)?);
        return Ok(());
    }
    // `backoffice-local reset`: stops the kept emulator and forgets the shop.
    if args.first().map(String::as_str) == Some("reset") {
        KeptMoto::reset(&data_dir)?;
        println!("reset: the kept emulator was stopped and {} removed; the next start is empty", data_dir.display());
        return Ok(());
    }
    backoffice::telemetry::init();
    // LOCAL_AUTH=jwt verifies bearer tokens as API Gateway does; =oauth also lets the console
    // sign in as Cognito's hosted page would, with the groups you pick. A misspelt mode must not
    // fall back to the development identity, which may do everything.
    let local_auth = std::env::var("LOCAL_AUTH").unwrap_or_default();
    if !matches!(local_auth.as_str(), "" | "jwt" | "oauth") {
        return Err(format!("LOCAL_AUTH={local_auth}: use jwt or oauth, or leave it unset").into());
    }
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3000);
    let demo_data = std::env::var("DEMO_DATA").map(|v| v != "0" && v != "false").unwrap_or(true);

    // The shop is kept between runs: moto runs on in its own process group and the stream's
    // checkpoint is saved beside it, under LOCAL_DATA_DIR (`.local/`). RESET=1 (`make reset`)
    // stops that moto and starts empty.
    if std::env::var("RESET").is_ok_and(|v| v == "1" || v == "true") {
        KeptMoto::reset(&data_dir)?;
        println!("reset: the kept emulator was stopped and {} removed", data_dir.display());
    }
    let endpoint = match std::env::var("AWS_ENDPOINT_URL") {
        Ok(endpoint) => endpoint,
        Err(_) => {
            let moto = KeptMoto::find_or_start(&data_dir)?;
            if !moto.started {
                println!("reusing the emulator kept from the last run ({}); `make reset` starts empty", moto.endpoint);
            }
            moto.endpoint
        }
    };
    let template = template::load_default()?;
    // Settings a user may shorten locally, e.g. PAYMENT_HOLD_SECONDS=60 to watch orders expire.
    let overrides: Vec<(&str, String)> =
        ["PAYMENT_HOLD_SECONDS"].iter().filter_map(|k| std::env::var(k).ok().map(|v| (*k, v))).collect();
    let overrides: Vec<(&str, &str)> = overrides.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut app = Backoffice::with_overrides(template, &endpoint, "", &overrides).await?;
    app.stream_checkpoint = Some(data_dir.join("stream-checkpoint.json"));
    let verify_tokens = matches!(local_auth.as_str(), "jwt" | "oauth");
    let console_auth = match local_auth.as_str() {
        "jwt" => ConsoleAuth::Minted(JwtVerifier::from_env()),
        "oauth" => {
            app.sign_in = Some(backoffice_local::sign_in::SignIn::new(JwtVerifier::from_env()));
            ConsoleAuth::SignIn
        }
        _ => ConsoleAuth::Development,
    };
    if verify_tokens {
        app.auth = backoffice_local::Auth::Jwt(JwtVerifier::from_env());
    }
    app.console = Some(backoffice_local::console::Console {
        dir: std::env::var("CONSOLE_DIR").unwrap_or_else(|_| "console/dist".to_owned()).into(),
        scopes: app.template.all_scopes(),
        auth: console_auth,
    });
    let app = Arc::new(app);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let _pollers = app.spawn_pollers(Duration::from_secs(2));
    let schedule_every = std::env::var("LOCAL_SCHEDULE_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(10);
    let _scheduler = app.spawn_scheduler(Duration::from_secs(schedule_every));
    if demo_data {
        demo::load(&app).await?;
    }
    let scopes = match &app.identity {
        backoffice_local::Identity::Claims { scopes, .. } => scopes.join(" "),
        backoffice_local::Identity::Anonymous => String::new(),
    };
    let base = format!("http://127.0.0.1:{port}");
    if verify_tokens {
        println!(
            "\nBearer JWTs are verified (LOCAL_AUTH={local_auth}): HS256 with LOCAL_JWT_SECRET; issuer, audience, expiry and\n\
             route scopes checked. Get a token with: backoffice-local token [SCOPE...]"
        );
        if app.sign_in.is_some() {
            println!("The console signs in on {base}/oauth2/authorize, where you pick your groups (roles).");
        }
    } else {
        println!(
            "\n*** LOCAL DEVELOPMENT IDENTITY: every request is served as `local-developer` with ALL scopes ({scopes}).\n\
             *** Tokens are not verified (LOCAL_AUTH=jwt verifies them). Never expose this port."
        );
    }
    println!(
        "\nbackoffice is up on {base}\n  console: {base}/\n  emulator (moto): {endpoint}\n  table: {}\n  routes:",
        app.resources.table_name
    );
    for route in &app.routes {
        println!("    {:<6} {:<32} -> {}", route.method, route.path.raw, route.function);
    }
    println!(
        "  queues polled: {}",
        app.sqs_consumers.iter().map(|c| c.queue_logical_id.as_str()).collect::<Vec<_>>().join(", ")
    );
    println!("\nTry:\n{}", demo::examples(&base));
    tokio::select! {
        _ = backoffice_local::server::serve(Arc::clone(&app), listener) => {}
        _ = tokio::signal::ctrl_c() => println!("stopping"),
    }
    Ok(())
}
