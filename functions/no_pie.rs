//! Build script shared by every Lambda binary (and the benchmark's floor): link the executable
//! at a fixed address (`-no-pie`) on Linux.
//!
//! Why: a position-independent executable is relocated by the dynamic loader at every start.
//! For these 8 MB binaries that is tens of thousands of relocations, and every page of
//! `.data.rel.ro` and `.got` they write (about 140 of them) is a copy-on-write page fault: on
//! the benchmark machine about 15% of a cold start's instructions and a tenth of its wall time
//! (BENCHMARKS.md). A fixed-address executable needs none of it.
//!
//! The cost: the executable's own code and data are not placed at a random address (the heap,
//! stacks and shared libraries still are). The functions are safe Rust in a single-tenant
//! Firecracker microVM; ASLR of the image is defence in depth against memory corruption that
//! safe Rust rules out. Delete the `build` line of a crate's Cargo.toml to get a PIE back.
//!
//! Only binaries get the flag (`rustc-link-arg-bins`): proc-macro and other shared objects built
//! for the host must stay position independent.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    // Paths here are relative to the package, as `file!()` is.
    println!("cargo:rerun-if-changed={}", file!());
}
