#!/usr/bin/env python3
"""Check nmap's host discovery (-sn -oX) of the lab's LAN: every LAN host of
lab/population.py is up by ARP with its own MAC, and nothing else is up but
the scanner's own address.

usage: check_arp_discovery.py NMAP_XML
"""

import os
import sys
import xml.etree.ElementTree as ET

SRC = os.environ.get("PORTSWEEP_SOURCE_ROOT") or os.path.join(
    os.path.dirname(os.path.realpath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(SRC, "lab"))
sys.dont_write_bytecode = True
import population as pop  # noqa: E402


def main(argv):
    if len(argv) != 1:
        raise SystemExit(__doc__.split("\n\n")[1])
    want = {f"198.18.1.{i}": pop.lan_mac(i) for i in pop.LAN_HOSTS}
    scanner = f"198.18.1.{pop.LAN_SCANNER}"
    bad = []
    found = 0
    for host in ET.parse(argv[0]).getroot().iter("host"):
        status = host.find("status")
        if status is None or status.get("state") != "up":
            continue
        addrs = {a.get("addrtype"): a.get("addr") for a in host.iter("address")}
        ip, mac = addrs.get("ipv4"), (addrs.get("mac") or "").lower()
        if ip == scanner:
            continue
        if ip not in want:
            bad.append(f"{ip} is up, but no LAN host has that address")
        elif status.get("reason") != "arp-response" or mac != want[ip]:
            bad.append(f"{ip}: up by {status.get('reason')} with MAC {mac or 'none'}, "
                       f"want arp-response and {want[ip]}")
        else:
            found += 1
        want.pop(ip, None)
    bad.extend(f"{ip} ({mac}) not found" for ip, mac in sorted(want.items()))
    print(f"{found} of {len(pop.LAN_HOSTS)} LAN hosts up by ARP with their MAC")
    if bad:
        print(f"{len(bad)} MISMATCHES:")
        print("\n".join("    " + b for b in bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
