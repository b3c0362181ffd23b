#!/usr/bin/env python3
"""Compare the version detection (-sV) of two XML reports, port by port.

usage: compare_services.py EXPECTED_XML ACTUAL_XML [--min-open N]

EXPECTED_XML is normally nmap's own -oX, ACTUAL_XML portsweep's. Every port
that either report lists as open must be open in both, with the same
<service> attributes that describe what runs there (name, tunnel, product,
version, extrainfo, hostname, ostype, devicetype, method, conf) and the same
<cpe> list. Ports only one report lists as closed or filtered are ignored:
the lab's truth tests check port states.

--min-open N fails unless at least N open ports were compared, so an empty
scan cannot pass.
"""

import sys
import xml.etree.ElementTree as ET

FIELDS = ("name", "tunnel", "product", "version", "extrainfo", "hostname",
          "ostype", "devicetype", "method", "conf")


def read(path):
    ports = {}
    for host in ET.parse(path).getroot().iter("host"):
        addr = next((a.get("addr") for a in host.iter("address")
                     if a.get("addrtype") == "ipv4"), None)
        if addr is None:
            continue
        for port in host.iter("port"):
            state = port.find("state").get("state")
            if state != "open":
                continue
            svc = port.find("service")
            desc = {f: (svc.get(f) if svc is not None else None) for f in FIELDS}
            desc["cpe"] = [c.text for c in svc.iter("cpe")] if svc is not None else []
            ports[(addr, port.get("protocol"), int(port.get("portid")))] = desc
    return ports


def show(desc):
    parts = [f"{f}={desc[f]!r}" for f in FIELDS if desc.get(f) is not None]
    if desc.get("cpe"):
        parts.append("cpe=" + ",".join(desc["cpe"]))
    return " ".join(parts) or "(no service)"


def main(argv):
    min_open = 0
    args = []
    it = iter(argv)
    for a in it:
        if a == "--min-open":
            min_open = int(next(it))
        else:
            args.append(a)
    if len(args) != 2:
        raise SystemExit(__doc__.split("\n\n")[1])
    expected, actual = read(args[0]), read(args[1])
    bad = []
    for key in sorted(set(expected) | set(actual)):
        where = f"{key[0]}:{key[2]}/{key[1]}"
        if key not in actual:
            bad.append(f"{where}: open in {args[0]} only: {show(expected[key])}")
        elif key not in expected:
            bad.append(f"{where}: open in {args[1]} only: {show(actual[key])}")
        elif expected[key] != actual[key]:
            bad.append(f"{where}:\n   expected {show(expected[key])}\n   actual   {show(actual[key])}")
    compared = len(set(expected) & set(actual))
    for line in bad[:40]:
        print("MISMATCH " + line)
    if len(bad) > 40:
        print(f"... and {len(bad) - 40} more")
    if compared < min_open:
        print(f"FAIL: only {compared} open ports compared, want at least {min_open}")
        return 1
    if bad:
        print(f"FAIL: {len(bad)} of {len(set(expected) | set(actual))} open ports differ")
        return 1
    print(f"ok   {compared} open ports: identical service, version and CPE fields")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
