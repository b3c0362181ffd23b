#!/usr/bin/env python3
"""Compares portsweep's JSON lines with the lab's truth.

Usage: sweep_compare.py TRUTH JSONL [JSONL ...]
The union of the JSON files (a resumed scan has two) must hold exactly the
truth's open, closed and ICMP-filtered ports: nothing missing, nothing extra,
every state and reason as the truth says. Ports the truth calls filtered with
no response are not reported by a stateless scanner, one by one, so they
must be absent. Prints a summary line; exits 1 on any difference.
"""
import json
import sys

REPORTED = {("open", "syn-ack"), ("closed", "reset")}


def main():
    truth = {}
    for line in open(sys.argv[1]):
        addr, proto, port, state, reason = line.split()
        if state == "filtered" and reason == "no-response":
            continue
        truth[(addr, proto, int(port))] = (state, reason)
    found = {}
    dup = 0
    for path in sys.argv[2:]:
        for line in open(path):
            r = json.loads(line)
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
    return 1 if missing or extra or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
