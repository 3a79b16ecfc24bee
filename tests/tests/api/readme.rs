//! The README works as printed: every `curl` in it runs, in order, through a real shell and curl
//! against the runner's HTTP server with `make run`'s demo data, and answers with the status its
//! comment states (or a 2xx when it states none). Ids come from earlier answers: a comment that
//! says "its id is <order_id>" binds `<order_id>` to that answer's `id`.

use backoffice_tests::spawn_app;
use std::collections::HashMap;
use std::sync::Arc;

/// One command of a `sh` block, with the comment that ends its last line.
#[derive(Debug)]
struct Command {
    text: String,
    comment: String,
}

/// The commands of every `sh` block: a command ends at a newline outside quotes that does not
/// follow a backslash; `#` after whitespace, outside quotes, starts a comment.
fn sh_commands(markdown: &str) -> Vec<Command> {
    let mut commands = Vec::new();
    let mut in_block = false;
    let mut block = String::new();
    for line in markdown.lines() {
        match (in_block, line.trim_start()) {
            (false, "```sh") => in_block = true,
            (true, "```") => {
                commands.extend(split_commands(&block));
                block.clear();
                in_block = false;
            }
            (true, _) => {
                block.push_str(line);
                block.push('\n');
            }
            _ => {}
        }
    }
    commands
}

fn split_commands(block: &str) -> Vec<Command> {
    let mut out = Vec::new();
    let (mut text, mut comment) = (String::new(), String::new());
    let (mut single, mut double, mut in_comment) = (false, false, false);
    let mut chars = block.chars().peekable();
    while let Some(c) = chars.next() {
        if in_comment {
            if c == '\n' {
                in_comment = false;
                if !single && !double {
                    push(&mut out, &mut text, &mut comment);
                }
            } else {
                comment.push(c);
            }
            continue;
        }
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '\\' if !single && chars.peek() == Some(&'\n') => {
                chars.next();
                text.push(' ');
                continue;
            }
            '#' if !single && !double && text.chars().last().is_none_or(char::is_whitespace) => {
                in_comment = true;
                comment.clear();
                continue;
            }
            '\n' if !single && !double => {
                push(&mut out, &mut text, &mut comment);
                continue;
            }
            _ => {}
        }
        text.push(c);
    }
    push(&mut out, &mut text, &mut comment);
    out
}

fn push(out: &mut Vec<Command>, text: &mut String, comment: &mut String) {
    let command = text.trim().to_owned();
    if command.starts_with("curl ") {
        out.push(Command { text: command, comment: comment.trim().to_owned() });
    }
    text.clear();
    comment.clear();
}

/// The status a comment states: its first word, when that is an HTTP status.
fn stated_status(comment: &str) -> Option<u16> {
    let word: String = comment.chars().take_while(char::is_ascii_digit).collect();
    word.parse().ok().filter(|s| (100..600).contains(s))
}

/// `<name>` placeholders in a text.
fn placeholders(text: &str) -> Vec<String> {
    text.split('<')
        .skip(1)
        .filter_map(|rest| rest.split_once('>').map(|(name, _)| name))
        .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_readme_parser_reads_continuations_quotes_and_comments() {
    let block = "```sh\n# a comment line\ncurl -s -X POST http://h/x -H 'a: b' \\\n  -d '{\"a\":\n 1}'   # 201; its id is <thing_id>\ncurl -s http://h/#frag # 200: ok\nmake run\n```\n";
    let commands = sh_commands(block);
    assert_eq!(commands.len(), 2, "{commands:?}");
    assert_eq!(commands[0].text, "curl -s -X POST http://h/x -H 'a: b'    -d '{\"a\":\n 1}'");
    assert_eq!(stated_status(&commands[0].comment), Some(201));
    assert_eq!(placeholders(&commands[0].comment), ["thing_id"]);
    assert_eq!(commands[1].text, "curl -s http://h/#frag");
    assert_eq!(stated_status(&commands[1].comment), Some(200));
    assert_eq!(stated_status("counters"), None);
}

#[tokio::test]
async fn every_curl_in_the_readme_answers_as_it_says() {
    let t = spawn_app().await;
    backoffice_local::demo::load(&t.app).await.expect("demo data, as make run loads it");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(backoffice_local::server::serve(Arc::clone(&t.app), listener));

    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let commands = sh_commands(&readme);
    assert!(commands.len() >= 30, "the README's examples were found: {}", commands.len());
    let body_file = std::env::temp_dir().join(format!("readme-{}.out", backoffice_tests::unique_prefix()));
    let mut ids: HashMap<String, String> = HashMap::new();
    for (n, command) in commands.iter().enumerate() {
        let mut line = command.text.replace("http://127.0.0.1:3000", &base);
        for (name, id) in &ids {
            line = line.replace(&format!("<{name}>"), id);
        }
        let unbound = placeholders(&line);
        assert!(unbound.is_empty(), "command {n} uses {unbound:?} before an answer named it: {}", command.text);
        let output = tokio::process::Command::new("bash")
            .arg("-c")
            .arg(format!("{line} -o '{}' -w '%{{http_code}}'", body_file.display()))
            .output()
            .await
            .expect("bash and curl (the README's commands need them)");
        assert!(output.status.success(), "curl failed on command {n}: {}", String::from_utf8_lossy(&output.stderr));
        let status: u16 = String::from_utf8_lossy(&output.stdout).trim().parse().unwrap_or(0);
        let raw = std::fs::read_to_string(&body_file).unwrap_or_default();
        // `curl -i` writes the head before the body.
        let body = if raw.starts_with("HTTP/") { raw.split_once("\r\n\r\n").map_or("", |(_, b)| b) } else { &raw };
        let ok = match stated_status(&command.comment) {
            Some(expected) => status == expected,
            None => (200..300).contains(&status),
        };
        assert!(
            ok,
            "command {n} answered {status}, not as the README says ({}):\n{}\n{body}",
            command.comment, command.text
        );
        for name in placeholders(&command.comment) {
            let value: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
            let id = value["id"].as_str().unwrap_or_else(|| panic!("command {n} names <{name}> but has no id: {body}"));
            ids.insert(name, id.to_owned());
        }
        // What the runner's pollers would do while a person reads the answer and types the next.
        t.app.settle().await.unwrap();
    }
    let _ = std::fs::remove_file(&body_file);
    for name in ["customer_id", "order_id", "second_order_id", "return_id"] {
        assert!(ids.contains_key(name), "the walk-through named <{name}>");
    }
    server.abort();
}
