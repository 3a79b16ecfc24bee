//! The pieces of `make bench` (see `BENCHMARKS.md`): recording a scenario against moto, a
//! replay server for its AWS responses, the bare-SDK floor, a Lambda Runtime API emulator, and
//! capacity-unit estimates.

pub mod capacity;
pub mod dynamo_json;
pub mod floor;
pub mod replay;
pub mod runtime_api;
pub mod scenario;
