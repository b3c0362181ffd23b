#!/usr/bin/python3
"""Reads nmap's XML and portsweep's XML of the same scan with the two Python
libraries scripts use to read nmap (Debian's python3-libnmap and python3-nmap)
and fails unless both libraries see the same hosts, states, reasons, ports,
port states and reasons and services in both files. Times, the scanner's
version and the command line are left out: they differ by nature.

Usage: compare_parsers.py NMAP_XML PORTSWEEP_XML [--min-ports N]
Runs under Debian's /usr/bin/python3, where those packages are installed.
"""
import argparse
import sys

import nmap  # python3-nmap
from libnmap.parser import NmapParser  # python3-libnmap


def by_libnmap(path):
    report = NmapParser.parse_fromfile(path)
    seen = {"hosts_up": report.hosts_up, "hosts_total": report.hosts_total}
    for host in report.hosts:
        ports = {}
        for s in host.services:
            ports[(s.port, s.protocol)] = (s.state, s.reason, s.service, s.banner, s.tunnel)
        seen[host.address] = (host.status, host.extraports_state, ports)
    return seen


def by_python_nmap(path):
    with open(path, encoding="utf-8") as f:
        scan = nmap.PortScanner().analyse_nmap_xml_scan(f.read())
    stats = scan["nmap"]["scanstats"]
    seen = {"stats": (stats["uphosts"], stats["downhosts"], stats["totalhosts"]),
            "scaninfo": {k: v for k, v in scan["nmap"]["scaninfo"].items() if k != "error"}}
    for addr, host in scan["scan"].items():
        ports = {}
        for proto in ("tcp", "udp", "ip", "sctp"):
            for port, p in host.get(proto, {}).items():
                ports[(port, proto)] = tuple(sorted(p.items()))
        seen[addr] = (host["status"]["state"], host["status"]["reason"], ports)
    return seen


def diff(name, a, b):
    problems = []
    for key in sorted(set(a) | set(b), key=str):
        if a.get(key) != b.get(key):
            problems.append(f"{name}: {key}: nmap {a.get(key)!r}\n{' ' * len(name)}  portsweep {b.get(key)!r}")
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nmap_xml")
    ap.add_argument("portsweep_xml")
    ap.add_argument("--min-ports", type=int, default=1,
                    help="fail unless nmap's file lists at least this many ports (the comparison means something)")
    args = ap.parse_args()

    a, b = by_libnmap(args.nmap_xml), by_libnmap(args.portsweep_xml)
    listed = sum(len(v[2]) for k, v in a.items() if isinstance(v, tuple) and len(v) == 3)
    problems = diff("libnmap", a, b) + diff("python-nmap", by_python_nmap(args.nmap_xml),
                                            by_python_nmap(args.portsweep_xml))
    for p in problems[:20]:
        print(p)
    if problems:
        print(f"FAIL: {len(problems)} differences between what the libraries read from nmap's and portsweep's XML")
        return 1
    if listed < args.min_ports:
        print(f"FAIL: nmap's XML lists only {listed} ports (expected at least {args.min_ports})")
        return 1
    print(f"ok   python3-libnmap and python3-nmap read the same {len(a) - 2} hosts and {listed} listed ports "
          "from both files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
