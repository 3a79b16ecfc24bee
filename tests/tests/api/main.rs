//! One integration-test binary (one link, one moto) with a module per area.

mod alarms;
mod alerts;
mod audit;
mod auth;
mod bad_input;
mod contract;
mod customers;
mod exports;
mod faults;
mod flash_sale;
mod fulfillment;
mod function_list;
mod iam;
mod idempotency;
mod imports;
mod listings;
mod orders;
mod overview;
mod payments;
mod readme;
mod returns;
mod routing;
mod runner;
mod sample_events;
mod stock;
mod stock_levels;
