#!/usr/bin/env python3
"""Compare nmap's XML report (-oX) with the lab's truth, port by port.

usage: compare_nmap.py TRUTH_FILE NMAP_XML [--require-states]

TRUTH_FILE holds `scripts/lab truth` lines (ADDR PROTO PORT STATE REASON).
Every (addr, proto, port) of the truth must be reported by nmap with the same
state and reason; ports nmap folded into "Ignored State" (<extraports>) are
expanded from their <extrareasons ports="…">; a host nmap does not report at
all counts as all-filtered / no-response, i.e. must be dead in the truth.
Anything nmap reports beyond the truth is a mismatch too.

--require-states also fails unless the truth itself exercises every
state/reason of each scanned protocol, so that a degenerate population (say,
everything filtered) cannot pass silently.
"""

import collections
import sys
import xml.etree.ElementTree as ET

# How nmap -Pn reports a port it never heard back from.
SILENT = {"tcp": ("filtered", "no-response"), "udp": ("open|filtered", "no-response")}
ALL_STATES = {
    "tcp": {("open", "syn-ack"), ("closed", "reset"), ("filtered", "no-response"),
            ("filtered", "admin-prohibited")},
    "udp": {("open", "udp-response"), ("closed", "port-unreach"),
            ("open|filtered", "no-response"), ("filtered", "admin-prohibited")},
}


def expand(ranges):
    for part in ranges.split(","):
        lo, _, hi = part.partition("-")
        yield from range(int(lo), int(hi or lo) + 1)


def read_truth(path):
    truth = {}
    with open(path) as f:
        for line in f:
            addr, proto, port, state, reason = line.split()
            truth[(addr, proto, int(port))] = (state, reason)
    return truth


def read_nmap(path):
    seen = {}
    hosts = set()
    root = ET.parse(path).getroot()
    for host in root.iter("host"):
        addr = next(a.get("addr") for a in host.iter("address")
                    if a.get("addrtype") in ("ipv4", "ipv6"))
        hosts.add(addr)
        ports = host.find("ports")
        if ports is None:
            continue
        for port in ports.iter("port"):
            st = port.find("state")
            seen[(addr, port.get("protocol"), int(port.get("portid")))] = (
                st.get("state"), st.get("reason"))
        for extra in ports.iter("extraports"):
            for why in extra.iter("extrareasons"):
                if why.get("ports") is None or why.get("proto") is None:
                    raise SystemExit("nmap too old: <extrareasons> lacks ports=")
                for p in expand(why.get("ports")):
                    seen[(addr, why.get("proto"), p)] = (extra.get("state"),
                                                         why.get("reason"))
    return hosts, seen


def main(argv):
    require = "--require-states" in argv
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 2:
        raise SystemExit(__doc__.split("\n\n")[1])
    truth = read_truth(args[0])
    hosts, seen = read_nmap(args[1])

    bad = []
    for key, want in sorted(truth.items(), key=lambda kv: _sort_key(kv[0])):
        addr, proto, _ = key
        got = seen.pop(key, None)
        if got is None and addr not in hosts:
            got = SILENT[proto]  # host not reported at all: nothing answered
        if got != want:
            bad.append(f"{' '.join(map(str, key))}: truth {' '.join(want)}, "
                       f"nmap {' '.join(got) if got else 'nothing'}")
    for key, got in sorted(seen.items(), key=lambda kv: _sort_key(kv[0])):
        bad.append(f"{' '.join(map(str, key))}: not in truth, nmap {' '.join(got)}")

    tally = collections.Counter((k[1],) + v for k, v in truth.items())
    print(f"compared {len(truth)} (addr, proto, port) results:")
    for (proto, state, reason), n in sorted(tally.items()):
        print(f"    {proto} {state:14} {reason:17} {n}")
    if require:
        for proto in {k[1] for k in truth}:
            missing = ALL_STATES[proto] - {(s, r) for p, s, r in tally if p == proto}
            for state, reason in sorted(missing):
                bad.append(f"truth never exercises {proto} {state} {reason}")
    if bad:
        print(f"{len(bad)} MISMATCHES:")
        print("\n".join("    " + b for b in bad))
        return 1
    print("all match")
    return 0


def _sort_key(key):
    addr, proto, port = key
    return (tuple(int(x) for x in addr.split(".")) if "." in addr else (addr,),
            proto, port)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
