//! The pieces of `make bench` (see `BENCHMARKS.md`): recording a scenario against moto, a
//! replay server for its AWS responses, the bare-SDK floor, a Lambda Runtime API emulator, and
//! capacity-unit estimates.

pub mod capacity;
pub mod dynamo_json;
pub mod floor;
pub mod replay;
pub mod runtime_api;
pub mod scenario;

/// A process's peak resident set (`VmHWM`), in kB.
pub fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
