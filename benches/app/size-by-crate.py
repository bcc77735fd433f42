#!/usr/bin/env python3
"""Code size by crate of two release binaries, from their symbol tables.

    python3 benches/app/size-by-crate.py APP BARE [N]

What `cargo bloat --crates` reports, read from binaries already built:
`cargo bloat` rebuilds every crate (it changes the release profile), which
on this machine costs a full release build. Generic code is charged where
it was instantiated by name (`core`, `alloc`, `std` hold other crates'
generics), as cargo bloat does. Needs `nm` (binutils).
"""
import collections
import re
import subprocess
import sys


def text_by_crate(binary):
    out = subprocess.run(
        ["nm", "-S", "--size-sort", "-C", "--defined-only", binary], capture_output=True, text=True, check=True
    ).stdout
    sizes = collections.Counter()
    for line in out.splitlines():
        parts = line.split(" ", 3)
        if len(parts) < 4 or parts[2] not in "tT":
            continue
        size, name = int(parts[1], 16), parts[3]
        # `<tokio::X as core::Y>::f` belongs to tokio; `&`, `*`, `dyn` are noise.
        path = re.sub(r"^[<&*( ]+|^(mut|dyn) ", "", name)
        m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)::", path)
        sizes[m.group(1) if m else "[C, no crate path]"] += size
    return sizes


def main():
    app, bare = text_by_crate(sys.argv[1]), text_by_crate(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    total_app, total_bare = sum(app.values()), sum(bare.values())
    mb = lambda b: f"{b / 1e6:.2f}"
    print(f"code (.text symbols): app {mb(total_app)} MB, bare {mb(total_bare)} MB, extra {mb(total_app - total_bare)} MB")
    print("\n| crate | app MB | bare MB | extra MB |\n|---|---:|---:|---:|")
    extra = {c: app[c] - bare.get(c, 0) for c in app}
    for crate, more in sorted(extra.items(), key=lambda kv: -kv[1])[:n]:
        print(f"| {crate} | {mb(app[crate])} | {mb(bare.get(crate, 0))} | {mb(more)} |")


if __name__ == "__main__":
    main()
