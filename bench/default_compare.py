#!/usr/bin/env python3
"""Default scans (host discovery + ports) of the same lab targets, read from
their -oX reports and compared with the lab's truth and with each other.
Used by bench/default_vs_nmap.sh.

usage: default_compare.py TARGETS [--ports SPEC] NAME=XML…

For each report: the hosts it says are up, how many of them differ from
`truth --discovery default`, its open and closed (host, port) results and
how many differ from the -sS truth of the hosts the truth finds up (filtered
ports are not compared: nmap folds them into "Not shown" lines, a stateless
scanner may leave them out).  Then, for every pair of reports, how many up
hosts and open/closed results differ between them.  --ports SPEC names the
ports scanned (default: the first report's <scaninfo services=…>, which is
what nmap's top 1000 were).  Closed ports that a report folded into
<extraports> count only where it lists them (<extrareasons ports=…>, nmap
7.90 and later); a report without that is flagged.
"""

import itertools
import os
import sys
import xml.etree.ElementTree as ET

SRC = os.path.join(os.path.dirname(os.path.realpath(__file__)), "..")
sys.path.insert(0, os.path.join(SRC, "lab"))
sys.dont_write_bytecode = True
import population as pop  # noqa: E402


def expand(ranges):
    for part in ranges.split(","):
        lo, _, hi = part.partition("-")
        yield from range(int(lo), int(hi or lo) + 1)


def read_report(path):
    """(up hosts, {(addr, port): state} for open/closed TCP ports,
    scanned-ports spec or None, whether some extraports lacked a port list)."""
    root = ET.parse(path).getroot()
    services = None
    for si in root.iter("scaninfo"):
        if si.get("protocol") == "tcp":
            services = si.get("services")
    up, ports, unlisted = set(), {}, False
    for host in root.iter("host"):
        status = host.find("status")
        if status is None or status.get("state") != "up":
            continue
        addr = next(a.get("addr") for a in host.iter("address")
                    if a.get("addrtype") == "ipv4")
        up.add(addr)
        for p in host.iter("port"):
            state = p.find("state").get("state")
            if p.get("protocol") == "tcp" and state in ("open", "closed"):
                ports[(addr, int(p.get("portid")))] = state
        for extra in host.iter("extraports"):
            if extra.get("state") not in ("open", "closed"):
                continue
            listed = [w for w in extra.iter("extrareasons") if w.get("ports")]
            if not listed:
                unlisted = True
            for w in listed:
                if w.get("proto", "tcp") == "tcp":
                    for port in expand(w.get("ports")):
                        ports[(addr, port)] = extra.get("state")
    return up, ports, services, unlisted


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__.split("\n\n")[1])
    targets, spec, reports = argv[0], None, []
    it = iter(argv[1:])
    for a in it:
        if a == "--ports":
            spec = next(it)
        else:
            name, _, path = a.partition("=")
            reports.append((name, read_report(path)))
    if spec is None:
        spec = next((r[2] for _, r in reports if r[2]), None)
    if spec is None:
        raise SystemExit("default_compare.py: no port list (--ports, or a report's scaninfo)")
    tcp_ports = pop.parse_ports(spec)["tcp"]
    probes = pop.parse_probes("default")
    truth_up, truth_ports = set(), {}
    for a in pop.parse_targets(targets):
        host = pop.host_at(a)
        if not pop.discovery_reasons(host, probes):
            continue
        truth_up.add(host.addr)
        for port in tcp_ports:
            state, _ = host.verdict("sS", port)
            if state in ("open", "closed"):
                truth_ports[(host.addr, port)] = state

    def diff(a, b):
        return len(set(a.items()) ^ set(b.items())) if isinstance(a, dict) else len(a ^ b)

    print(f"truth: {len(truth_up)} hosts up, "
          f"{sum(s == 'open' for s in truth_ports.values())} open and "
          f"{sum(s == 'closed' for s in truth_ports.values())} closed of {len(tcp_ports)} TCP ports")
    print(f"{'report':24} {'hosts up':>8} {'open':>6} {'closed':>7} {'hosts≠truth':>12} {'ports≠truth':>12}")
    for name, (up, ports, _, unlisted) in reports:
        n_open = sum(s == "open" for s in ports.values())
        print(f"{name:24} {len(up):8} {n_open:6} {len(ports) - n_open:7} "
              f"{diff(up, truth_up):12} {diff(ports, truth_ports):12}"
              + ("  (some closed ports folded without a port list)" if unlisted else ""))
    for (na, ra), (nb, rb) in itertools.combinations(reports, 2):
        print(f"{na} vs {nb}: {diff(ra[0], rb[0])} up hosts and "
              f"{diff(ra[1], rb[1])} open/closed results differ")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
