//! `backoffice`: everything the backoffice functions share — the pure domain, the DynamoDB
//! store, domain events and their envelope, HTTP glue and telemetry.

pub mod context;
pub mod domain;
#[cfg(feature = "email")]
pub mod email;
pub mod events;
#[cfg(feature = "s3")]
pub mod files;
pub mod gateway;
pub mod http;
#[cfg(feature = "inbox")]
pub mod inbox;
pub mod lambda;
pub mod mail_events;
pub mod metrics;
pub mod sqs;
pub mod store;
pub mod stream;
pub mod telemetry;
pub mod views;
pub mod warm;

pub use context::AppContext;
