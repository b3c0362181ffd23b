#!/usr/bin/env python3
"""Compares portsweep's JSON lines with the lab's truth.

Usage: sweep_compare.py [--subset] TRUTH JSONL [JSONL ...]
The union of the JSON files must hold exactly the truth's answered ports
(open, closed, unfiltered, ICMP-filtered, ...): nothing missing, nothing
extra, every state and reason as the truth says. Ports the truth says get no
response (filtered or open|filtered, "no-response") are not reported by a
stateless scanner one by one, so they must be absent. With --subset, missing
ports are allowed (an interrupted scan) but nothing extra or wrong is.
Prints a summary line; exits 1 on any difference.
"""
import json
import sys

REPORTED = {("open", "syn-ack"), ("closed", "reset")}


def main():
    args = sys.argv[1:]
    subset = args[:1] == ["--subset"]
    if subset:
        args = args[1:]
    truth = {}
    for line in open(args[0]):
        addr, proto, port, state, reason = line.split()
        if reason == "no-response":
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
