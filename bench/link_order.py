"""Writes each binary's link order (see functions/link.rs) from callgrind profiles of its cold
starts: the names of the functions of the binary itself that ran, one per line, sorted.

Usage: python3 bench/link_order.py DIR, where DIR holds the `callgrind.out` files that
`make link-order` records (`--demangle=no`, one per process). Every function crate's binary and
the benchmark's hello, hello-dynamodb and sdk-calls must be among them, or nothing is written.
"""

import collections
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BENCH_BINARIES = ["hello", "hello-dynamodb", "sdk-calls"]
HEADER = "# Functions this binary runs at a cold start, placed first by the linker (functions/link.rs).\n# Written by `make link-order`; do not edit.\n"


def functions_run(path):
    """(binary path, names of that binary's own functions with a cost) of one profile."""
    names = {}
    command, ob, fn, run = None, None, None, set()

    def named(kind, text):
        m = re.match(r"\((\d+)\)(?: (.*))?$", text)
        if m is None:
            return text
        if m.group(2) is not None:
            names[(kind, m.group(1))] = m.group(2)
        return names[(kind, m.group(1))]

    for line in open(path, encoding="utf-8", errors="replace"):
        if line.startswith("cmd:"):
            command = line.split()[1]
        elif line.startswith("ob="):
            ob = named("ob", line[3:].strip())
        elif line.startswith("fn="):
            fn = named("fn", line[3:].strip())
            if ob is not None and command is not None and ob == command_object(command):
                run.add(re.sub(r"'\d+$", "", fn))
        elif line.startswith("cob="):
            named("ob", line[4:].strip())
        elif line.startswith("cfn="):
            named("fn", line[4:].strip())
    return command, run


def command_object(command):
    """Callgrind names the object by its resolved path."""
    return str(pathlib.Path(command).resolve())


def main(directory):
    by_binary = collections.defaultdict(set)
    for profile in sorted(pathlib.Path(directory).glob("*.out")):
        command, run = functions_run(profile)
        if command:
            by_binary[pathlib.Path(command).name] |= run
    crates = {p.parent.name: p.parent for p in (ROOT / "functions").glob("*/Cargo.toml")}
    targets = {name: crates[name] for name in crates}
    targets.update({name: ROOT / "bench" for name in BENCH_BINARIES})
    missing = sorted(set(targets) - set(by_binary))
    if missing:
        sys.exit(f"no cold-start profile of {', '.join(missing)} in {directory}: nothing written")
    for binary, crate in sorted(targets.items()):
        # Only real symbol names: callgrind also reports "(below main)" and bare addresses.
        symbols = sorted(n for n in by_binary[binary] if re.fullmatch(r"[A-Za-z_.$][\w.$]*", n))
        out = crate / "link-order" / f"{binary}.txt"
        out.parent.mkdir(exist_ok=True)
        out.write_text(HEADER + "".join(f"{s}\n" for s in symbols))
        print(f"{binary:<20} {len(symbols):>5} functions -> {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1])
