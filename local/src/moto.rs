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

/// A moto that outlives the runner: started in its own process group (Ctrl-C in the runner's
/// terminal and a `kill -9` of the runner leave it running), its port and pid recorded in
/// `data_dir/moto.json`, and found again by the next start. Everything the shop holds lives in
/// it, so restarting the runner loses nothing acknowledged; [`KeptMoto::reset`] stops it.
pub struct KeptMoto {
    pub endpoint: String,
    /// False when an earlier start's moto was found running and reused.
    pub started: bool,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct KeptRecord {
    port: u16,
    pid: u32,
}

fn record_path(data_dir: &std::path::Path) -> std::path::PathBuf {
    data_dir.join("moto.json")
}

fn answers(port: u16) -> bool {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_millis(300)).is_ok()
}

impl KeptMoto {
    /// The moto recorded in `data_dir`, if it still answers; otherwise a new one, recorded there.
    pub fn find_or_start(data_dir: &std::path::Path) -> Result<Self, MotoError> {
        let io = |e: std::io::Error| MotoError(format!("{}: {e}", data_dir.display()));
        std::fs::create_dir_all(data_dir).map_err(io)?;
        let recorded: Option<KeptRecord> =
            std::fs::read(record_path(data_dir)).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok());
        if let Some(r) = recorded.filter(|r| answers(r.port)) {
            return Ok(Self { endpoint: format!("http://127.0.0.1:{}", r.port), started: false });
        }
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
        let log = std::fs::File::create(data_dir.join("moto.log")).map_err(io)?;
        let mut child = {
            use std::os::unix::process::CommandExt;
            Command::new(&python)
                .arg("-c")
                .arg(LAUNCHER)
                .arg("127.0.0.1")
                .arg("0")
                .arg("--keep")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::from(log))
                .process_group(0)
                .spawn()
                .map_err(|e| MotoError(format!("cannot run {python}: {e}")))?
        };
        let stdout = child.stdout.take().ok_or_else(|| MotoError("no stdout from moto".into()))?;
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line);
        let Some(port) = read.ok().and_then(|_| line.trim().parse::<u16>().ok()) else {
            let _ = child.kill();
            return Err(MotoError(format!(
                "moto_server did not start: install it with `pip install 'moto[server]'` (it printed {line:?}; \
                 see {})",
                data_dir.join("moto.log").display()
            )));
        };
        let record = serde_json::to_vec(&KeptRecord { port, pid: child.id() }).map_err(|e| MotoError(e.to_string()))?;
        std::fs::write(record_path(data_dir), record).map_err(io)?;
        Ok(Self { endpoint: format!("http://127.0.0.1:{port}"), started: true })
    }

    /// Stops the moto recorded in `data_dir` (if it is still the one running there) and deletes
    /// the folder: the next start begins with an empty shop.
    pub fn reset(data_dir: &std::path::Path) -> Result<(), MotoError> {
        let recorded: Option<KeptRecord> =
            std::fs::read(record_path(data_dir)).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok());
        if let Some(r) = recorded.filter(|r| answers(r.port)) {
            let _ = Command::new("kill").arg(r.pid.to_string()).status();
            for _ in 0..50 {
                if !answers(r.port) {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        }
        match std::fs::remove_dir_all(data_dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(MotoError(format!("{}: {e}", data_dir.display()))),
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
