//! Concurrent AWS calls, and a process's first ones. With no connection open yet, calls started
//! at once would each open a connection and pay a TLS handshake apiece: CPU that a 128 MB function
//! gets a fourteenth of a core for, so its cold start would grow with the number of calls (a
//! queue batch's messages, the overview's shards, a relay batch's SNS batches). The first group
//! of calls in a process goes one after another on one connection and pays one handshake; every
//! later group finds the pool warm and goes at once (BENCHMARKS.md).

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether this process has made a group of calls before (and so has a connection open).
static WARM: AtomicBool = AtomicBool::new(false);

/// Runs `work` to completion, in order of the results: at once in a warm process, one after
/// another in a cold one.
pub async fn join_all<F: Future>(work: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    // Collected first: the iterator (and its closure) is never held across an await, which
    // would make the caller's future lose `Send` to a higher-ranked lifetime.
    let work: Vec<F> = work.into_iter().collect();
    if WARM.swap(true, Ordering::Relaxed) {
        futures::future::join_all(work).await
    } else {
        let mut results = Vec::with_capacity(work.len());
        for one in work {
            results.push(one.await);
        }
        results
    }
}
