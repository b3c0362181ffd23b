#!/usr/bin/env python3
"""Compares a connect scan's (-sT) JSON lines with the lab's -sS truth, and
optionally with nmap -sT's XML.

Usage: connect_compare.py TRUTH JSONL [NMAP_XML]

The truth is `scripts/lab truth --scan sS` (a connect scan reads open, closed
and filtered as -sS does). What the kernel's connect() sees differs in two
ways, both as nmap -sT reads them:
  - closed ports say "conn-refused" (the RST reached connect(), not us);
  - an ICMP port unreachable is ECONNREFUSED to the kernel: closed,
    conn-refused (-sS: filtered, port-unreach); every other ICMP error is
    filtered with the reason its errno carries (host-unreach, net-unreach),
    which need not be the ICMP code's.
Unanswered ports are not reported one by one, so they must be absent.
With NMAP_XML, every port nmap lists must read the same in the JSON lines
(state and reason), and nmap's no-response ports must be absent.
"""
import json
import sys
import xml.etree.ElementTree as ET

ICMP_FILTERED = {"host-unreach", "net-unreach", "proto-unreach", "admin-prohibited"}


def expected(state, reason):
    if reason == "no-response":
        return None
    if (state, reason) == ("open", "syn-ack"):
        return ("open", "syn-ack")
    if state == "closed" or reason == "port-unreach":
        return ("closed", "conn-refused")
    return ("filtered", "icmp")


def main():
    truth_path, jsonl_path = sys.argv[1:3]
    truth = {}
    for line in open(truth_path):
        addr, proto, port, state, reason = line.split()
        e = expected(state, reason)
        if e:
            truth[(addr, int(port))] = e
    found = {}
    for line in open(jsonl_path):
        r = json.loads(line)
        if "port" not in r:  # a host's status record, not a port's
            continue
        found[(r["ip"], r["port"])] = (r["state"], r["reason"])

    def same(k):
        want, got = truth[k], found[k]
        if want == ("filtered", "icmp"):
            return got[0] == "filtered" and got[1] in ICMP_FILTERED
        return want == got

    missing = sorted(k for k in truth if k not in found)
    extra = sorted(k for k in found if k not in truth)
    wrong = sorted(k for k in truth if k in found and not same(k))
    kinds = {}
    for v in found.values():
        kinds[v] = kinds.get(v, 0) + 1
    print("found: " + ", ".join(f"{n} {s} ({r})" for (s, r), n in sorted(kinds.items())) +
          f"; truth {len(truth)} answered; missing {len(missing)}, extra {len(extra)}, wrong {len(wrong)}")
    for k in missing[:10]:
        print("missing", *k, *truth[k])
    for k in extra[:10]:
        print("extra", *k, *found[k])
    for k in wrong[:10]:
        print("wrong", *k, "truth", *truth[k], "found", *found[k])
    bad = bool(missing or extra or wrong)

    if len(sys.argv) > 3:
        nmap = {}
        for host in ET.parse(sys.argv[3]).getroot().iter("host"):
            addr = host.find("address").get("addr")
            for p in host.iter("port"):
                st = p.find("state")
                nmap[(addr, int(p.get("portid")))] = (st.get("state"), st.get("reason"))
        answered = {k: v for k, v in nmap.items() if v[1] != "no-response"}
        diff = sorted(k for k in set(answered) | set(found) if answered.get(k) != found.get(k))
        print(f"nmap -sT: {len(answered)} answered ports, {len(diff)} differ from portsweep -sT")
        for k in diff[:10]:
            print("differs", *k, "nmap", answered.get(k), "portsweep", found.get(k))
        bad = bad or bool(diff)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
