#!/usr/bin/env python3
"""Compares portsweep's JSON lines with the lab's truth.

Usage: sweep_compare.py [--subset] [--scan TYPE [--all]] TRUTH JSONL [JSONL ...]
The union of the JSON files must hold exactly the truth's answered ports
(open, closed, unfiltered, ICMP-filtered, ...): nothing missing, nothing
extra, every state and reason as the truth says. Ports the truth says get no
response (filtered or open|filtered, "no-response") are not reported by a
stateless scanner one by one, so they must be absent. With --subset, missing
ports are allowed (an interrupted scan) but nothing extra or wrong is.

--scan TYPE names the scan type the truth is for (`scripts/lab truth --scan
TYPE`); then the ports left unreported are those with the type's verdict
for a target that says nothing (population.verdict(TYPE, None)): for sI
"closed|filtered no-ipid-change", for b "closed no-response" (a bounce
scan's open ports say "no-response" too, and are reported).  --all: every
line of the truth must be reported.
Prints a summary line; exits 1 on any difference.
"""
import json
import os
import sys

SRC = os.environ.get("PORTSWEEP_SOURCE_ROOT") or os.path.join(
    os.path.dirname(os.path.realpath(__file__)), "..", "..")


def main():
    args = sys.argv[1:]
    subset = "--subset" in args
    report_all = "--all" in args
    args = [a for a in args if a not in ("--subset", "--all")]
    silent = None  # (state, reason) left unreported; None: any "no-response"
    if "--scan" in args:
        i = args.index("--scan")
        sys.path.insert(0, os.path.join(SRC, "lab"))
        sys.dont_write_bytecode = True
        import population  # noqa: E402 (only needed with --scan)
        silent = population.verdict(population.parse_scans(args[i + 1])[0], None)
        del args[i:i + 2]
    elif report_all:
        raise SystemExit("sweep_compare.py: --all needs --scan")
    if len(args) < 2:
        raise SystemExit(__doc__.split("\n")[2])
    truth = {}
    for line in open(args[0]):
        addr, proto, port, state, reason = line.split()
        if report_all:
            pass
        elif silent is not None:
            if (state, reason) == silent:
                continue
        elif reason == "no-response":
            continue
        truth[(addr, proto, int(port))] = (state, reason)
    found = {}
    dup = 0
    for path in args[1:]:
        for line in open(path):
            r = json.loads(line)
            if "port" not in r:  # a host's status or trace record, not a port's
                continue
            key = (r["ip"], r["proto"], r["port"])
            if key in found:
                dup += 1
            found[key] = (r["state"], r["reason"])
    missing = sorted(k for k in truth if k not in found)
    extra = sorted(k for k in found if k not in truth)
    wrong = sorted(k for k in truth if k in found and found[k] != truth[k])
    kinds = {}
    for v in truth.values():
        kinds[v] = kinds.get(v, 0) + 1
    print("truth: " + ", ".join(f"{n} {s} ({r})" for (s, r), n in sorted(kinds.items())) +
          f"; found {len(found)}; missing {len(missing)}, extra {len(extra)}, "
          f"wrong state {len(wrong)}, repeated across files {dup}")
    for k in missing[:10]:
        print("missing", *k, *truth[k])
    for k in extra[:10]:
        print("extra", *k, *found[k])
    for k in wrong[:10]:
        print("wrong", *k, "truth", *truth[k], "found", *found[k])
    return 1 if (missing and not subset) or extra or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
