#!/usr/bin/env python3
"""Checks what a scan put on the wire, from pcap files captured on the far
side of the scanner's links (everything the scan namespace sent).

  wire_check.py probes PCAP... --allow SPEC... [--deny SPEC...] [--gateway IP...]
                       [--ports P,P] [--exact] [--once] [--from IP...]
      Every IPv4 packet the scanner sent goes to an allowed address (a
      target, minus every --deny); every ARP request asks for one or for a
      --gateway; nothing else leaves. With --exact, the SYN probes cover
      every allowed address x --ports; with --once, none twice.
  wire_check.py shards --allow SPEC... --ports P,P PCAP... (one per shard)
      The shards' SYN probes are disjoint and together exactly allowed x ports.

SPEC is an address, a CIDR block or a range of the last octet
(198.19.7.250-255), parsed here independently of portsweep. Reads classic
pcap (tcpdump -w) by hand: no scapy.
"""
import argparse
import collections
import ipaddress
import struct
import sys


def addresses(spec):
    if "/" in spec:
        return {int(a) for a in ipaddress.ip_network(spec, strict=False)}
    if "-" in spec:
        first, last = spec.rsplit("-", 1)
        base = int(ipaddress.ip_address(first))
        return set(range(base, (base & ~0xFF) + int(last) + 1))
    return {int(ipaddress.ip_address(spec))}


def frames(path):
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            return
        magic = struct.unpack("<I", head[:4])[0]
        endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            _, _, caplen, _ = struct.unpack(endian + "IIII", rec)
            yield f.read(caplen)


def read_wire(paths, scanners):
    """SYN probes per (dst, port), IPv4 destinations, ARP targets, others."""
    syns = collections.Counter()
    dsts = collections.Counter()
    arp = collections.Counter()
    other = collections.Counter()
    for path in paths:
        for fr in frames(path):
            etype = struct.unpack("!H", fr[12:14])[0] if len(fr) >= 14 else 0
            if etype == 0x0806 and len(fr) >= 42:
                if struct.unpack("!H", fr[20:22])[0] == 1:  # request
                    arp[int(ipaddress.ip_address(fr[38:42]))] += 1
                continue
            if etype == 0x0800 and len(fr) >= 34:
                ip = fr[14:]
                src = int(ipaddress.ip_address(ip[12:16]))
                dst = int(ipaddress.ip_address(ip[16:20]))
                if scanners and src not in scanners:
                    other[f"IPv4 from {ipaddress.ip_address(src)}"] += 1
                    continue
                dsts[dst] += 1
                ihl = (ip[0] & 15) * 4
                if ip[9] == 6 and len(ip) >= ihl + 14 and ip[ihl + 13] & 0x12 == 0x02:
                    syns[(dst, struct.unpack("!H", ip[ihl + 2:ihl + 4])[0])] += 1
                continue
            other[f"ethertype 0x{etype:04x}"] += 1
    return syns, dsts, arp, other


def ip(a):
    return str(ipaddress.ip_address(a))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["probes", "shards"])
    ap.add_argument("pcaps", nargs="+")
    ap.add_argument("--allow", nargs="+", required=True)
    ap.add_argument("--deny", nargs="*", default=[])
    ap.add_argument("--gateway", nargs="*", default=[])
    ap.add_argument("--from", dest="scanners", nargs="*", default=[])
    ap.add_argument("--ports", default="")
    ap.add_argument("--exact", action="store_true")
    ap.add_argument("--once", action="store_true")
    a = ap.parse_args()
    allowed = set().union(*(addresses(s) for s in a.allow))
    denied = set().union(*(addresses(s) for s in a.deny)) if a.deny else set()
    allowed -= denied
    ports = [int(p) for p in a.ports.split(",") if p]
    want = {(d, p) for d in allowed for p in ports}
    scanners = {int(ipaddress.ip_address(s)) for s in a.scanners}
    errors = []

    if a.mode == "shards":
        seen = collections.Counter()
        for i, path in enumerate(a.pcaps, 1):
            syns, _, _, _ = read_wire([path], scanners)
            print(f"shard {i}: {len(syns)} probes")
            seen.update(syns.keys())
            errors += [f"shard {i}: {ip(d)}:{p} probed {n} times" for (d, p), n in syns.items() if n > 1][:5]
        twice = [k for k, n in seen.items() if n > 1]
        missing = want - set(seen)
        extra = set(seen) - want
        print(f"shards together: {len(seen)} probes of {len(want)}; in two shards {len(twice)}, "
              f"missing {len(missing)}, outside the set {len(extra)}")
        errors += [f"{ip(d)}:{p} in more than one shard" for d, p in twice[:5]]
        errors += [f"{ip(d)}:{p} in no shard" for d, p in sorted(missing)[:5]]
        errors += [f"{ip(d)}:{p} is not a target" for d, p in sorted(extra)[:5]]
    else:
        gateways = {int(ipaddress.ip_address(g)) for g in a.gateway}
        syns, dsts, arp, other = read_wire(a.pcaps, scanners)
        stray = {d: n for d, n in dsts.items() if d not in allowed}
        stray_arp = {d: n for d, n in arp.items() if d not in allowed and d not in gateways}
        print(f"on the wire: {sum(dsts.values())} IPv4 packets to {len(dsts)} addresses "
              f"({len(syns)} distinct SYN probes), {sum(arp.values())} ARP requests for {len(arp)} addresses, "
              f"{sum(other.values())} other frames; allowed {len(allowed)} addresses, denied {len(denied)}")
        errors += [f"{n} packets to {ip(d)}, which is {'excluded' if d in denied else 'not a target'}"
                   for d, n in sorted(stray.items())[:10]]
        errors += [f"{n} ARP requests for {ip(d)}, which is {'excluded' if d in denied else 'not a target'}"
                   for d, n in sorted(stray_arp.items())[:10]]
        errors += [f"{n} frames of {what}" for what, n in other.items()]
        if a.exact:
            missing = want - set(syns)
            errors += [f"{len(missing)} probes never sent, e.g. {ip(d)}:{p}" for d, p in sorted(missing)[:1]]
        if a.once:
            twice = [(k, n) for k, n in syns.items() if n > 1]
            errors += [f"{ip(d)}:{p} probed {n} times" for (d, p), n in twice[:5]]
    for e in errors:
        print("FAIL:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
