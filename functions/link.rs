//! Build script shared by every Lambda binary and the benchmark's binaries: how the executables
//! are linked. Three things, each for the cold start (BENCHMARKS.md has the figures).
//!
//! **A fixed address (`-no-pie`), on Linux.** A position-independent executable is relocated by
//! the dynamic loader at every start. For these 8 MB binaries that is tens of thousands of
//! relocations, and every page of `.data.rel.ro` and `.got` they write (about 140 of them) is a
//! copy-on-write page fault: about 15% of a cold start's instructions and a tenth of its wall
//! time. The cost: the executable's own code and data are not placed at a random address (the
//! heap, stacks and shared libraries still are). The functions are safe Rust in a
//! single-tenant Firecracker microVM; ASLR of the image is defence in depth against memory
//! corruption that safe Rust rules out.
//!
//! **The code a cold start runs, laid out together** (x86_64 Linux release builds, where rustc
//! links with lld). A start runs about 3,400 functions scattered over the whole 5 MB of `.text`,
//! touching some 670 of its pages. `link-order/<binary>.txt` beside a crate's manifest lists them
//! (symbol names, recorded by `make link-order` from a cold start under callgrind) and lld places
//! them first, in one run of pages: fewer page faults, fewer TLB and cache misses. A name the
//! binary no longer has is skipped, so a stale list costs speed, never correctness; lld then
//! places the rest as before. zig's linker (cargo-lambda's arm64 build) has no such option, so
//! arm64 binaries keep the default layout.
//!
//! **Symbols stripped by the linker**, in release builds, unless `BACKOFFICE_KEEP_SYMBOLS` is
//! set (`make link-order` needs the names). The profile does not strip (`strip = false` in the
//! workspace): rustc's `-C strip` is part of what mangled names hash, so a list recorded from a
//! build with symbols would match no name of a stripped build. The linker's `--strip-all` is not.
//!
//! Only binaries get the flags (`rustc-link-arg-bin[s]`): proc-macro and other shared objects
//! built for the host must stay position independent.

use std::path::Path;

fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    let release = std::env::var("PROFILE").as_deref() == Ok("release");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    if release && std::env::var_os("BACKOFFICE_KEEP_SYMBOLS").is_none() {
        println!("cargo:rustc-link-arg-bins=-Wl,--strip-all");
    }
    if release && target == "x86_64-unknown-linux-gnu" {
        link_order();
    }
    // Paths here are relative to the package, as `file!()` is.
    println!("cargo:rerun-if-changed={}", file!());
    println!("cargo:rerun-if-env-changed=BACKOFFICE_KEEP_SYMBOLS");
}

/// One `--symbol-ordering-file` per binary that has a list.
fn link_order() {
    let Some(manifest) = std::env::var_os("CARGO_MANIFEST_DIR") else { return };
    let dir = Path::new(&manifest).join("link-order");
    println!("cargo:rerun-if-changed={}", dir.display());
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    for path in entries.flatten().map(|e| e.path()) {
        let (Some(bin), Some("txt")) =
            (path.file_stem().and_then(|s| s.to_str()), path.extension().and_then(|e| e.to_str()))
        else {
            continue;
        };
        println!("cargo:rerun-if-changed={}", path.display());
        println!("cargo:rustc-link-arg-bin={bin}=-Wl,--symbol-ordering-file={}", path.display());
        println!("cargo:rustc-link-arg-bin={bin}=-Wl,--no-warn-symbol-ordering");
    }
}
