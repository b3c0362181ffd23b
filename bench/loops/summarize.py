#!/usr/bin/env python3
"""Turns a loop-benchmark run into the table bench/loops.md shows.

    build/bench/portsweep-bench --benchmark_filter='BM_(Tx|Rx)Loop' \
        --benchmark_min_time=0.5 --benchmark_repetitions=15 \
        --benchmark_enable_random_interleaving=true \
        --benchmark_out=loops.json --benchmark_out_format=json
    bench/loops/summarize.py loops.json

Per scan type: the median over the repetitions of ns per probe (TX loop),
the Mpps on one core that makes, and ns per reply (RX loop), each with the
repetitions' range (min-max) beside it. Medians, not means: the machine is
shared, and a repetition that another tenant slowed down is an outlier.
"""

import json
import statistics
import sys
from collections import defaultdict

ORDER = ["sS", "sA", "sW", "sM", "sN", "sF", "sX", "sU", "sS_sU"]


def per_item_ns(run):
    for key in ("per_probe", "per_reply"):
        if key in run:
            return run[key] * 1e9
    return None


def main(path):
    with open(path) as f:
        data = json.load(f)
    samples = defaultdict(list)  # (loop, scan) -> [ns per item]
    labels = {}
    for run in data["benchmarks"]:
        if run.get("run_type") != "iteration" or run.get("error_occurred"):
            continue
        name = run["run_name"]
        if not (name.startswith("BM_TxLoop/") or name.startswith("BM_RxLoop/")):
            continue
        loop, scan = name.split("/", 1)
        ns = per_item_ns(run)
        if ns is not None:
            samples[(loop, scan)].append(ns)
            labels[scan] = run.get("label", scan)

    def cell(values, fmt):
        if not values:
            return "-"
        return f"{fmt(statistics.median(values))} ({fmt(min(values))}-{fmt(max(values))})"

    reps = max((len(v) for v in samples.values()), default=0)
    print(f"| scan type | TX loop, ns/probe | Mpps/core | RX loop, ns/reply |   ({reps} repetitions: median (min-max))")
    print("|---|---|---|---|")
    for scan in ORDER:
        tx = samples.get(("BM_TxLoop", scan), [])
        rx = samples.get(("BM_RxLoop", scan), [])
        if not tx and not rx:
            continue
        mpps = [1e3 / ns for ns in tx]
        print(f"| `{labels.get(scan, scan)}` | {cell(tx, lambda v: f'{v:.1f}')} | "
              f"{cell(mpps, lambda v: f'{v:.0f}')} | {cell(rx, lambda v: f'{v:.1f}')} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: summarize.py RUN.json (Google Benchmark's --benchmark_out)")
    main(sys.argv[1])
