//! The pieces of `make bench` (see `BENCHMARKS.md`): recording a scenario against moto, a
//! replay server for its AWS responses, the bare-SDK floor, a Lambda Runtime API emulator, and
//! capacity-unit estimates.

pub mod capacity;
pub mod dynamo_json;
pub mod floor;
pub mod provider;
pub mod replay;
pub mod runtime_api;
pub mod scenario;
pub mod tls;

/// A process's peak resident set (`VmHWM`), in kB.
pub fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// CPU time a process's threads have run so far, and how long they waited runnable for a
/// core (`/proc/<pid>/task/*/schedstat`, in nanoseconds, exact rather than tick-sampled).
pub fn cpu_and_runqueue_wait(pid: u32) -> Option<(std::time::Duration, std::time::Duration)> {
    let (mut run, mut wait) = (0u64, 0u64);
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()?.flatten() {
        let stat = std::fs::read_to_string(task.path().join("schedstat")).ok()?;
        let mut fields = stat.split_whitespace().map(|f| f.parse::<u64>().ok());
        run += fields.next()??;
        wait += fields.next()??;
    }
    Some((std::time::Duration::from_nanos(run), std::time::Duration::from_nanos(wait)))
}

/// Page faults a process has taken so far that needed no I/O (`minflt` in `/proc/<pid>/stat`,
/// all threads): at a cold start, one per first touch of a page of code, data or heap that the
/// kernel maps in without reading the disk.
pub fn minor_faults(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces: state is
    // field 3 of the file, minflt field 10.
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(7)?.parse().ok()
}

/// Serves HTTP/1 on `listener` in the background, one task per connection, with `answer` for
/// every request (the replay server and the Runtime API emulator); over TLS with `tls`.
pub fn serve<S, F>(
    listener: tokio::net::TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    state: S,
    answer: fn(S, hyper::Request<hyper::body::Incoming>) -> F,
) where
    S: Clone + Send + Sync + 'static,
    F: std::future::Future<Output = Result<hyper::Response<http_body_util::Full<hyper::body::Bytes>>, hyper::Error>>
        + Send
        + 'static,
{
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            // As AWS endpoints answer: a response written in more than one segment (TLS
            // records) must not wait for the client's delayed ACK (40 ms on Linux).
            let _ = stream.set_nodelay(true);
            let state = state.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| answer(state.clone(), req));
                let http = hyper::server::conn::http1::Builder::new();
                let _ = match tls {
                    Some(acceptor) => match acceptor.accept(stream).await {
                        Ok(stream) => http.serve_connection(hyper_util::rt::TokioIo::new(stream), service).await,
                        Err(_) => return,
                    },
                    None => http.serve_connection(hyper_util::rt::TokioIo::new(stream), service).await,
                };
            });
        }
    });
}
