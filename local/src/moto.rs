//! Starts `moto_server` on a free loopback port and stops it when dropped.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const LAUNCHER: &str = include_str!("../moto_server.py");

/// A running moto. Plain `std::process` so one instance can outlive any tokio runtime (each
/// test has its own runtime; a test binary shares one moto).
pub struct Moto {
    child: Child,
    pub endpoint: String,
}

#[derive(Debug)]
pub struct MotoError(pub String);

impl std::fmt::Display for MotoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MotoError {}

impl Moto {
    /// Starts moto with `python3` (override with `PYTHON`). Fails loudly, saying how to install
    /// it, when moto is missing: nothing is ever skipped for lack of it.
    pub fn start() -> Result<Self, MotoError> {
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
        let mut child = Command::new(&python)
            .arg("-c")
            .arg(LAUNCHER)
            .arg("127.0.0.1")
            .arg("0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| MotoError(format!("cannot run {python}: {e}")))?;
        let stdout = child.stdout.take().ok_or_else(|| MotoError("no stdout from moto".into()))?;
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line);
        let port: Option<u16> = read.ok().and_then(|_| line.trim().parse().ok());
        match port {
            Some(port) => Ok(Self { child, endpoint: format!("http://127.0.0.1:{port}") }),
            None => {
                let _ = child.kill();
                Err(MotoError(format!(
                    "moto_server did not start: install it with `pip install 'moto[server]'` (it printed {line:?})"
                )))
            }
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
