#!/usr/bin/env python3
"""Splits each traced quote batch's *send -> callback* leg (tests/bench/tick-to-paint.mjs) at the
moment the app's main thread hands the script to WebKit (wry's eval calls
webkit_web_view_run_javascript), read with a perf uprobe. docs/benchmarks.md, "Tick to paint".

  BENCH_EVAL_SPLIT=1 bash tests/bench/run.sh      (sets up the probe and perf, then runs this)

perf stamps with CLOCK_MONOTONIC (`-k 1`; this kernel refuses the realtime clock for uprobes), so
`offset` (realtime - monotonic, read once) turns its stamps into the wall clock the page and Rust use.
Each batch is paired with the first unpaired call after its send and before its callback.
"""
import bisect
import json
import math
import re
import subprocess
import sys


def rank(xs, q):
    xs = sorted(xs)
    return xs[max(0, math.ceil(q * len(xs)) - 1)] if xs else float("nan")


def main(perf_data, offset, *phases):
    script = subprocess.run(["perf", "script", "-i", perf_data, "-F", "time"], capture_output=True, text=True, check=True)
    calls = sorted(float(t) * 1000 + float(offset) * 1000 for t in re.findall(r"([0-9]+\.[0-9]+):", script.stdout))
    print(f"run_javascript calls: {len(calls)}")
    for phase in phases:
        batches = sorted(json.load(open(phase)), key=lambda b: b["sent"])
        used, app, webkit = set(), [], []
        for b in batches:
            i = bisect.bisect_left(calls, b["sent"])
            while i in used:
                i += 1
            if i >= len(calls) or calls[i] > b["received"]:
                continue
            used.add(i)
            app.append(calls[i] - b["sent"])
            webkit.append(b["received"] - calls[i])
        print(
            f"{phase}: {len(app)} of {len(batches)} paired; Rust's send -> run_javascript "
            f"p50 {rank(app, 0.5):.1f} / p99 {rank(app, 0.99):.1f} ms; run_javascript -> the page's callback "
            f"p50 {rank(webkit, 0.5):.1f} / p99 {rank(webkit, 0.99):.1f} ms"
        )


if __name__ == "__main__":
    main(*sys.argv[1:])
