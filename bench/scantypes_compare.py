#!/usr/bin/env python3
"""One scan type, three views of the same lab targets: the truth, nmap's XML
and portsweep's JSON lines.  Prints one line of counts for
bench/scantypes_vs_nmap.sh:

    NMAP_VS_TRUTH PORTSWEEP_VS_TRUTH NMAP_VS_PORTSWEEP BAD_JSON_LINES

usage: scantypes_compare.py --scan TYPE TRUTH NMAP_XML [PORTSWEEP_JSONL]
       [--show N]

A (host, proto, port) a scanner does not report is read as that scan type's
no-response verdict (filtered, or open|filtered): nmap leaves out hosts it
never heard from, and a stateless scanner need not list silent ports one by
one.  nmap's -sO reading of ICMP (protocol 1 "open", with the reason of
whatever it read last, once the host sent any ICMP) is accepted for nmap, as
in tests/lab/compare_nmap.py.  Without a JSONL file (portsweep could not run the
scan type) the portsweep columns are "-".  portsweep's lines are
{"ip","proto","port","state","reason",…}; for -sO, proto "ip" and the
protocol number as port.  --show N prints up to N differing lines of each
kind on stderr.
"""

import json
import os
import sys

SRC = os.path.join(os.path.dirname(os.path.realpath(__file__)), "..")
sys.path.insert(0, os.path.join(SRC, "lab"))
sys.path.insert(0, os.path.join(SRC, "tests", "lab"))
sys.dont_write_bytecode = True
import compare_nmap  # noqa: E402
import population as pop  # noqa: E402


def read_jsonl(path):
    """{(ip, proto, port): (state, reason)}, and the number of lines that are
    not a port-state object (bad UTF-8 or JSON, missing fields)."""
    seen = {}
    bad = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                r = json.loads(line)
                if "method" in r or "port" not in r:  # a service, host-status or trace record, not a port state
                    continue
                seen[(r["ip"], r["proto"], int(r["port"]))] = (r["state"], r["reason"])
            except (ValueError, KeyError, TypeError):
                bad += 1
    return seen, bad


def main(argv):
    scan, show, args = None, 0, []
    it = iter(argv)
    for a in it:
        if a == "--scan":
            scan = next(it)
        elif a == "--show":
            show = int(next(it))
        else:
            args.append(a)
    if scan not in pop.PROBE or len(args) not in (2, 3):
        raise SystemExit(__doc__.split("\n\n")[2])
    silent = pop.verdict(scan, None)
    truth = compare_nmap.read_truth(args[0])
    hosts, nmap_seen = compare_nmap.read_nmap(args[1])
    icmp_sent = {}
    for (addr, _, _), (_, reason) in truth.items():
        if reason in compare_nmap.ICMP_REASONS:
            icmp_sent.setdefault(addr, set()).add(reason)

    def nmap_view(key):
        got = nmap_seen.get(key)
        if got is None:
            return silent  # a host nmap did not list, or a port it did not
        addr, proto, port = key
        if (proto == "ip" and port == 1 and got[0] == "open"
                and (truth.get(key) == ("open", "echo-reply") or icmp_sent.get(addr))):
            return truth.get(key, got)  # nmap's -sO reading of ICMP
        return got

    ps_seen, bad_json = read_jsonl(args[2]) if len(args) == 3 else (None, 0)
    keys = set(truth) | set(nmap_seen) | set(ps_seen or ())

    def differ(a, b, label):
        n = 0
        for key in sorted(keys, key=compare_nmap._sort_key):
            x, y = a(key), b(key)
            if x != y:
                n += 1
                if n <= show:
                    print(f"{label}: {' '.join(map(str, key))}: {' '.join(x)} vs {' '.join(y)}",
                          file=sys.stderr)
        return n

    def truth_view(key):
        return truth.get(key, ("not", "in-truth"))

    nmap_vs_truth = differ(nmap_view, truth_view, "nmap vs truth")
    if ps_seen is None:
        print(nmap_vs_truth, "-", "-", 0)
        return 0

    def ps_view(key):
        return ps_seen.get(key, silent)

    print(nmap_vs_truth, differ(ps_view, truth_view, "portsweep vs truth"),
          differ(nmap_view, ps_view, "nmap vs portsweep"), bad_json)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
