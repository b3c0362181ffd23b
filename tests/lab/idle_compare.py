#!/usr/bin/env python3
"""Compare -sI results with the lab's truth, port by port.

    idle_compare.py TRUTH RESULT [RESULT...]

TRUTH is `scripts/lab truth` output (ADDR PROTO PORT STATE REASON) for -sI,
or for -sS, which is read as -sI sees it: a port that answers a SYN with a
SYN-ACK makes the zombie spend an IP ID (open, ipid-change); anything else
(a reset, an ICMP error, silence) leaves it alone (closed|filtered,
no-ipid-change). Each RESULT is portsweep's JSON lines (-oJ) or an nmap XML
report (-oX) that lists every port, as nmap -sI does; a port missing from it
counts as a difference. Prints one summary line per RESULT and the first
differences; exits 1 if any RESULT differs.
"""
import json
import sys
import xml.etree.ElementTree as ET


def read_truth(path):
    truth = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 4 or parts[1] != "tcp":
                continue
            addr, port, state = parts[0], int(parts[2]), parts[3]
            if state == "open":
                truth[(addr, port)] = ("open", "ipid-change")
            else:
                truth[(addr, port)] = ("closed|filtered", "no-ipid-change")
    return truth


def read_result(path):
    got = {}
    if path.endswith(".xml"):
        root = ET.parse(path).getroot()
        for host in root.iter("host"):
            addr = next(a.get("addr") for a in host.iter("address") if a.get("addrtype") == "ipv4")
            for port in host.iter("port"):
                st = port.find("state")
                got[(addr, int(port.get("portid")))] = (st.get("state"), st.get("reason"))
        return got
    with open(path) as f:
        for line in f:
            rec = json.loads(line)
            if "port" not in rec:
                continue  # host records
            got[(rec["ip"], rec["port"])] = (rec["state"], rec["reason"])
    return got


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    truth = read_truth(sys.argv[1])
    status = 0
    for path in sys.argv[2:]:
        got = read_result(path)
        diffs = []
        for key, want in sorted(truth.items()):
            have = got.get(key)
            if have != want:
                diffs.append(f"{key[0]}:{key[1]} truth {want[0]} {want[1]}, got "
                             f"{'nothing' if have is None else have[0] + ' ' + have[1]}")
        extra = sorted(k for k in got if k not in truth)
        diffs += [f"{k[0]}:{k[1]} reported, not in the truth" for k in extra]
        opened = sum(1 for v in truth.values() if v[0] == "open")
        print(f"{path}: {len(truth)} ports, {opened} open: {len(diffs)} differences")
        for d in diffs[:10]:
            print("  " + d)
        if diffs:
            status = 1
    sys.exit(status)


if __name__ == "__main__":
    main()
