#!/usr/bin/env python3
"""Compare a host discovery report (nmap's or portsweep's -oX of -sn, or of
a port scan with discovery) with the lab's discovery truth.

usage: compare_discovery.py TRUTH_FILE XML [--grepable FILE] [--exact]

TRUTH_FILE holds `scripts/lab truth --discovery PROBES` lines:
`ADDR up REASON[,REASON…]`, one per host the probes find up.  The hosts the
XML reports with <status state="up"> must be exactly those; each one's
reason must be one of its line's reasons.  nmap reports the reason of the
first proving reply it reads, and which reply comes first is a race between
probes, so with several answering probes only membership is checkable; with
one (a single probe, or one probe answered) the reason is exact.  --exact
instead demands the first reason of the line (for probe sets where the order
is known to hold).  --grepable FILE: the -oG report of the same run must say
`Status: Up` for exactly the same hosts.

Prints the tally of reported reasons; exit status 1 on any difference.
"""

import collections
import sys
import xml.etree.ElementTree as ET


def read_truth(path):
    up = {}
    with open(path) as f:
        for line in f:
            fields = line.split()
            if not fields:
                continue
            addr, state, reasons = fields
            if state != "up":
                raise SystemExit(f"{path}: not a discovery truth line: {line.strip()}")
            up[addr] = reasons.split(",")
    return up


def read_xml(path):
    """{addr: reason} of the hosts the report says are up."""
    up = {}
    for host in ET.parse(path).getroot().iter("host"):
        status = host.find("status")
        if status is None or status.get("state") != "up":
            continue
        addr = next(a.get("addr") for a in host.iter("address")
                    if a.get("addrtype") in ("ipv4", "ipv6"))
        up[addr] = status.get("reason")
    return up


def read_grepable(path):
    up = set()
    with open(path) as f:
        for line in f:
            if line.startswith("Host: ") and "Status: Up" in line:
                up.add(line.split()[1])
    return up


def _key(addr):
    return tuple(int(x) for x in addr.split("."))


def main(argv):
    exact = "--exact" in argv
    grepable = None
    args = []
    it = iter(argv)
    for a in it:
        if a == "--grepable":
            grepable = next(it)
        elif not a.startswith("--"):
            args.append(a)
    if len(args) != 2:
        raise SystemExit(__doc__.split("\n\n")[1])
    truth = read_truth(args[0])
    got = read_xml(args[1])
    bad = []
    for addr in sorted(set(truth) | set(got), key=_key):
        want, reason = truth.get(addr), got.get(addr)
        if want is None:
            bad.append(f"{addr}: up ({reason}), the truth finds it down")
        elif reason is None:
            bad.append(f"{addr}: not up, the truth finds it up ({','.join(want)})")
        elif (want[0] != reason) if exact else (reason not in want):
            bad.append(f"{addr}: up by {reason}, the truth allows {','.join(want[:1] if exact else want)}")
    if grepable is not None:
        g = read_grepable(grepable)
        for addr in sorted(g ^ set(got), key=_key):
            bad.append(f"{addr}: -oG and -oX disagree on whether it is up")
    tally = collections.Counter(got.values())
    print(f"{len(truth)} up in the truth, {len(got)} up in the report; reasons reported: "
          + (", ".join(f"{r} {n}" for r, n in sorted(tally.items())) or "none"))
    if bad:
        print(f"{len(bad)} MISMATCHES:")
        print("\n".join("    " + b for b in bad[:40]))
        if len(bad) > 40:
            print(f"    … and {len(bad) - 40} more")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
