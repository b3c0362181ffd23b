#!/usr/bin/env python3
"""Compare nmap's XML report (-oX) with the lab's truth, port by port.

usage: compare_nmap.py TRUTH_FILE NMAP_XML [NMAP_XML…] [--scan TYPE] [--require-states]

TRUTH_FILE holds `scripts/lab truth` lines (ADDR PROTO PORT STATE REASON),
for the scan type(s) nmap ran: TYPE is one of sS sA sW sM sN sF sX sU sO or
a comma list such as sS,sU (default: sS for TCP lines, sU for UDP lines),
or one of the relayed scans sI and b.  Several reports (nmap runs over parts
of the targets) are read as one.
Every (addr, proto, port) of the truth must be reported by nmap with the same
state and reason; ports nmap folded into "Ignored State" (<extraports>) are
expanded from their <extrareasons ports="…">; a host nmap does not report at
all counts as silent (each scan type's no-response state), i.e. must be dead
in the truth.  Anything nmap reports beyond the truth is a mismatch too.

One allowance, for nmap's protocol scan (-sO) only: nmap takes any ICMP
message from a host as proof that ICMP (protocol 1) is open if its ICMP probe
is still waiting, and gives it the reason of whatever packet it read last
(an ICMP error's, or "unknown-response" when that was the reset of the TCP
probe).  So protocol 1 may read "open <any reason>" instead of "open
echo-reply", and on a host that drops echo requests but sends ICMP errors,
"open|filtered" and "open <any reason>" are both right.  Such lines are
counted, not failed.
nmap 7.93 also loses some echo replies to its protocol 1 probes outright,
even at its own -T4 timing: in CI runs 3 to 17 of 108 hosts that answer
echo read "open|filtered no-response", different hosts each run.  Those
are counted, not failed, while they stay under a quarter of the hosts the
truth has answering echo.

And one for the FTP bounce scan (-b): nmap reads the relay's reply to LIST
once, and if "150" and "226" arrive in the same read it waits in vain for
the "226", gives up after 10 s, sends ABOR and calls the port filtered.  So
an open port may read "filtered no-response"; counted, not failed (and at
least one open port must read open).

--require-states also fails unless the truth itself exercises every
state/reason the lab's model can produce for each scan type (over IPv6
when the truth's addresses are IPv6: nmap -6's readings), so that a
degenerate population (say, everything filtered) cannot pass silently.
"""

import collections
import ipaddress
import os
import sys
import xml.etree.ElementTree as ET

SRC = os.environ.get("PORTSWEEP_SOURCE_ROOT") or os.path.join(
    os.path.dirname(os.path.realpath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(SRC, "lab"))
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
import population as pop  # noqa: E402

ICMP_REASONS = {r for _, _, r in pop.ICMP_REJECTS.values()}


def possible_verdicts(scan, family=4):
    """Every (state, reason) the lab's model can give for this scan type
    (over IPv6 with family 6)."""
    replies = [pop.SYNACK, pop.RST, pop.RST_WIN, pop.UDP_REPLY, pop.ECHO_REPLY,
               None, *pop.ICMP_REJECTS]
    if scan == "sS":
        replies.remove(pop.RST_WIN)  # the same verdict as RST
    if scan == "sO":
        replies.remove(pop.UDP_REPLY)  # nothing listens on nmap's UDP port
        if family == 6:
            replies.append(pop.PARAM_FIELD)  # the empty fragment header
    judge = pop.verdict6 if family == 6 else pop.verdict
    out = set()
    for r in replies:
        try:
            out.add(judge(scan, r))
        except KeyError:  # this scan can't get this reply (an ACK scan, a SYN-ACK)
            pass
    if scan == "sU":
        out.discard(("filtered", "port-unreach"))  # never sent for UDP
    return out


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


def read_nmap(paths):
    seen = {}
    hosts = set()
    for path in paths:
        _read_one(path, seen, hosts)
    return hosts, seen


def _read_one(path, seen, hosts):
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
                proto = why.get("proto")
                if proto == "n/a":  # what nmap writes for IP protocols
                    proto = "ip"
                for p in expand(why.get("ports")):
                    seen[(addr, proto, p)] = (extra.get("state"), why.get("reason"))


def main(argv):
    require = "--require-states" in argv
    scans = None
    args = []
    it = iter(argv)
    for a in it:
        if a == "--scan":
            scans = pop.parse_scans(next(it))
        elif not a.startswith("--"):
            args.append(a)
    if len(args) < 2:
        raise SystemExit(__doc__.split("\n\n")[1])
    truth = read_truth(args[0])
    hosts, seen = read_nmap(args[1:])
    scan_of = {"tcp": "sS", "udp": "sU", "ip": "sO"}
    for s in scans or ():
        scan_of[pop.SCAN_PROTO[s]] = s

    # Per host, the ICMP reasons the truth says it sends (for the -sO
    # allowance on protocol 1).
    icmp_sent = collections.defaultdict(set)
    for (addr, _, _), (_, reason) in truth.items():
        if reason in ICMP_REASONS:
            icmp_sent[addr].add(reason)

    bad = []
    allowed = 0
    echo_lost = 0
    bounce_filtered = bounce_open = 0
    for key, want in sorted(truth.items(), key=lambda kv: _sort_key(kv[0])):
        addr, proto, port = key
        got = seen.pop(key, None)
        if got is None and addr not in hosts:
            got = pop.verdict(scan_of[proto], None)  # host not reported: silent
        if got == want:
            if scan_of[proto] == "b" and want[0] == "open":
                bounce_open += 1
            continue
        if (scan_of[proto] == "b" and want == ("open", "no-response")
                and got == ("filtered", "no-response")):
            bounce_filtered += 1  # the -b allowance (see above)
            continue
        if (proto == "ip" and port == 1 and got is not None and got[0] == "open"
                and (want == ("open", "echo-reply") or icmp_sent[addr])):
            allowed += 1  # the -sO allowance (see above)
            continue
        if (proto == "ip" and port == 1 and want == ("open", "echo-reply")
                and got == ("open|filtered", "no-response")):
            echo_lost += 1  # nmap lost the echo reply (see above)
            continue
        bad.append(f"{' '.join(map(str, key))}: truth {' '.join(want)}, "
                   f"nmap {' '.join(got) if got else 'nothing'}")
    for key, got in sorted(seen.items(), key=lambda kv: _sort_key(kv[0])):
        bad.append(f"{' '.join(map(str, key))}: not in truth, nmap {' '.join(got)}")

    tally = collections.Counter((k[1],) + v for k, v in truth.items())
    print(f"compared {len(truth)} (addr, proto, port) results:")
    for (proto, state, reason), n in sorted(tally.items()):
        print(f"    {proto} {state:14} {reason:17} {n}")
    if allowed:
        print(f"    ({allowed} ICMP protocol line(s) read from another ICMP message, "
              "as nmap -sO does)")
    if echo_lost:
        echo_hosts = sum(1 for k, v in truth.items() if k[1] == "ip" and k[2] == 1 and v == ("open", "echo-reply"))
        print(f"    ({echo_lost} of {echo_hosts} echo replies to protocol 1 lost by nmap)")
        if echo_lost * 4 > echo_hosts:
            bad.append(f"nmap lost {echo_lost} of {echo_hosts} echo replies to protocol 1: more than a quarter")
    if bounce_filtered:
        print(f"    ({bounce_filtered} open port(s) read filtered: nmap -b got "
              "150 and 226 in one read)")
        if not bounce_open:
            bad.append("nmap -b read no open port as open")
    if require:
        family = 6 if any(":" in k[0] for k in truth) else 4
        for proto in sorted({k[1] for k in truth}):
            have = {(s, r) for p, s, r in tally if p == proto}
            for state, reason in sorted(possible_verdicts(scan_of[proto], family) - have):
                bad.append(f"truth never exercises {scan_of[proto]} {proto} "
                           f"{state} {reason}")
    if bad:
        print(f"{len(bad)} MISMATCHES:")
        print("\n".join("    " + b for b in bad))
        return 1
    print("all match")
    return 0


def _sort_key(key):
    addr, proto, port = key
    return (int(ipaddress.ip_address(addr)), proto, port)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
