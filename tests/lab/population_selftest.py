#!/usr/bin/env python3
"""Checks of lab/population.py that need no root and no lab: port syntax,
the pinned hosts, each scan type's reading of them, the proportions,
determinism, the LAN, and that the generated nftables ruleset encodes the
same decisions as the truth."""

import collections
import contextlib
import io
import os
import re
import sys

SRC = os.environ.get("PORTSWEEP_SOURCE_ROOT") or os.path.join(
    os.path.dirname(os.path.realpath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(SRC, "lab"))
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
import population as pop  # noqa: E402

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(*argv):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = pop.main(list(argv))
    return rc, out.getvalue()


# Port syntax (nmap's subset).
check(pop.parse_ports("21,22,80") == {"tcp": [21, 22, 80], "udp": [], "ip": []},
      "plain list is TCP")
check(pop.parse_ports("T:21-23,80,U:53,161")
      == {"tcp": [21, 22, 23, 80], "udp": [53, 161], "ip": []}, "T:/U: prefixes carry over")
check(len(pop.parse_ports("1-1024")["tcp"]) == 1024, "ranges")
check(pop.parse_ports("U:-3")["udp"] == [1, 2, 3], "open-ended range")
check(pop.parse_ports("0-3,17", bare="ip")["ip"] == [0, 1, 2, 3, 17]
      and pop.parse_ports("T:80,P:-")["ip"] == list(range(256)), "IP protocols")
for bad in ("70000", "S:80", "5-3", "P:256"):
    try:
        pop.parse_ports(bad)
        check(False, f"rejects {bad!r}")
    except ValueError:
        check(True, f"rejects {bad!r}")
try:
    pop.parse_targets("10.0.0.1")
    check(False, "rejects targets outside the /16")
except ValueError:
    check(True, "rejects targets outside the /16")
B = pop.BASE
check(pop.parse_targets("198.19.0.0/30,198.19.0.2") == [B, B + 1, B + 2, B + 3],
      "target list")
check(pop.parse_targets("198.18.1.0/30") == [pop.LAN_BASE, pop.LAN_BASE + 2, pop.LAN_BASE + 3],
      "LAN targets, the scanner's own address left out")
for bad in ("198.18.1.1", "198.18.0.0/24"):
    try:
        pop.parse_targets(bad)
        check(False, f"rejects target {bad}")
    except ValueError:
        check(True, f"rejects target {bad}")
check(pop.parse_scans("sU,-sA") == ["sA", "sU"] and pop.parse_scans("sO") == ["sO"],
      "scan type lists")
for bad in ("sS,sA", "sZ"):
    try:
        pop.parse_scans(bad)
        check(False, f"rejects scan list {bad}")
    except ValueError:
        check(True, f"rejects scan list {bad}")

# Pinned hosts.
h1, h3, h4, h5 = (pop.Host(i) for i in (1, 3, 4, 5))
check(h1.live and not h1.firewalled and not h1.overrides, "198.19.0.1 live, plain")
check(all(h1.state("tcp", p)[0] == "open" for p in (21, 22, 53, 80, 443, 6379))
      and h1.state("udp", 53) == ("open", "udp-response"), "198.19.0.1 services open")
check(h1.state("tcp", 8080) == ("closed", "reset"), "8080 closed by the kernel")
check(h3.firewalled and h3.state("tcp", 22)[0] == "open"
      and h3.state("tcp", 21) == ("filtered", "no-response")
      and h3.state("udp", 53) == ("open|filtered", "no-response"), "198.19.0.3 firewalled")
check(h4.state("tcp", 22) == ("closed", "reset")
      and h4.state("tcp", 80) == ("filtered", "no-response")
      and h4.state("tcp", 443) == ("filtered", "admin-prohibited")
      and h4.state("udp", 161) == ("filtered", "admin-prohibited"), "198.19.0.4 overrides")
check(not h5.live and h5.state("tcp", 22) == ("filtered", "no-response")
      and h5.state("udp", 53) == ("open|filtered", "no-response"), "198.19.0.5 dead")

# Each scan type's reading of the pinned hosts (nmap's words).
h10, h12, h13, h14 = (pop.Host(i) for i in (10, 12, 13, 14))


def verdicts(host, scan, ports):
    return [" ".join(host.verdict(scan, p)) for p in ports]


check(verdicts(h1, "sA", (22, 8080)) == ["unfiltered reset"] * 2
      and verdicts(h4, "sA", (80, 443)) == ["filtered no-response", "filtered admin-prohibited"],
      "-sA: every reset is unfiltered, drops and rejects filtered")
check(verdicts(h1, "sW", (22, 8080)) == ["closed reset"] * 2
      and verdicts(h12, "sW", (22, 25, 110, 8080, 21)) == ["open reset"] * 4 + ["closed reset"]
      and h12.verdict("sS", 25) == ("closed", "reset"), "-sW: open only where the reset has a window")
check(verdicts(h1, "sM", (22, 8080)) == ["closed reset"] * 2
      and h4.verdict("sM", 80) == ("open|filtered", "no-response"), "-sM: Linux resets FIN/ACK")
for scan in ("sN", "sF", "sX"):
    check(verdicts(h1, scan, (22, 53, 8080)) == ["open|filtered no-response"] * 2 + ["closed reset"]
          and h4.verdict(scan, 22) == ("closed", "reset")
          and h4.verdict(scan, 443) == ("filtered", "admin-prohibited"),
          f"-{scan}: listening ports silent, closed ones reset")
check(verdicts(h10, "sS", (21, 22, 25, 53, 80, 110, 443))
      == ["filtered net-unreach", "filtered host-unreach", "filtered proto-unreach",
          "filtered port-unreach", "filtered net-prohibited", "filtered host-prohibited",
          "filtered admin-prohibited"], "198.19.0.10: every ICMP reject on TCP")
check(verdicts(h10, "sU", (53, 123, 161)) + verdicts(h14, "sU", (53, 123, 161))
      == ["filtered net-unreach", "filtered host-prohibited", "filtered proto-unreach",
          "filtered host-unreach", "filtered net-prohibited", "filtered admin-prohibited"],
      "198.19.0.10 and .14: ICMP rejects on UDP")
check(verdicts(h1, "sO", (0, 1, 2, 6, 17, 47, 103, 136, 255))
      == ["closed proto-unreach", "open echo-reply", "open|filtered no-response",
          "open proto-response", "open port-unreach", "closed proto-unreach",
          "open|filtered no-response", "open|filtered no-response", "closed proto-unreach"],
      "-sO of a plain host")
check(verdicts(h13, "sO", (2, 4, 47, 50, 51, 103, 132))
      == ["filtered admin-prohibited", "open|filtered no-response", "filtered host-prohibited",
          "filtered net-unreach", "filtered net-prohibited", "open port-unreach",
          "filtered host-unreach"], "198.19.0.13: IP protocol overrides")
check(verdicts(h3, "sO", (1, 6, 17, 47)) == ["open|filtered no-response", "open proto-response"]
      + ["open|filtered no-response"] * 2
      and h14.verdict("sO", 6) == ("filtered", "admin-prohibited")
      and h4.verdict("sO", 6) == ("open|filtered", "no-response"),
      "-sO: TCP and UDP follow nmap's probe ports (80/tcp ACK, 40125/udp)")
check(all(h5.verdict(s, 22) == pop.verdict(s, None) for s in pop.SCANS)
      and pop.verdict("sX", None) == ("open|filtered", "no-response")
      and pop.verdict("sA", None) == ("filtered", "no-response"), "dead host: silence")

# Proportions and determinism.
hosts = pop.all_hosts()
live = [h for h in hosts if h.live]
fw = [h for h in live if h.firewalled]
check(0.23 < len(live) / len(hosts) < 0.27, f"~25% live ({len(live)})")
check(0.08 < len(fw) / len(live) < 0.12, f"~10% of live firewalled ({len(fw)})")
acts = collections.Counter((pr, a) for h in live for (pr, _), a in h.overrides.items())
for proto, shares in pop.OVERRIDE_SHARES.items():
    pairs = len(live) * len(pop.LAB_PORTS[proto])
    for act, share in shares:
        n = acts[(proto, act)]
        check(0.8 < n / pairs / (share / 1000) < 1.2,
              f"~{share / 10:g}% {proto} {act} overrides ({n})")
window = sum(len(h.window) for h in live)
check(0.04 < window / (len(live) * len(pop.LAB_PORTS["tcp"])) < 0.06,
      f"~5% resets with a window ({window})")
open_svc = sum(h.state("tcp", p)[0] == "open" for h in live for p in pop.TCP_SERVICES)
check(open_svc / (len(live) * len(pop.TCP_SERVICES)) > 0.7, "most service ports open")
check([pop.Host(i).live for i in range(4096)] == [h.live for h in hosts[:4096]],
      "deterministic")

# CLI output.
rc, out = run("truth", "--targets", "198.19.0.0/24", "T:22,U:53")
lines = out.splitlines()
check(rc == 0 and len(lines) == 512, "truth prints every (addr, proto, port)")
check(all(re.fullmatch(r"198\.19\.0\.\d+ (tcp|udp) \d+ \S+ \S+", ln) for ln in lines),
      "truth line format")
check("198.19.0.4 tcp 22 closed reset" in lines, "truth shows the pinned override")
rc, out = run("truth", "--live", "--targets", "198.19.0.0/28")
check(out.split() == ["198.19.0.1", "198.19.0.2", "198.19.0.3", "198.19.0.4",
                      "198.19.0.10", "198.19.0.12", "198.19.0.13", "198.19.0.14"],
      "truth --live")

rc, out = run("truth", "--scan", "sO", "--targets", "198.19.0.13", "0-255")
lines = out.splitlines()
check(rc == 0 and len(lines) == 256 and lines[2] == "198.19.0.13 ip 2 filtered admin-prohibited",
      "truth --scan sO prints protocols")
rc, out = run("truth", "--scan", "sS", "--targets", "198.19.0.4", "T:22,U:53")
check(out == "198.19.0.4 tcp 22 closed reset\n", "--scan sS leaves UDP ports out")
rc, out = run("truth", "--scan", "sA,sU", "--targets", "198.19.0.4", "T:22,U:53")
check(out == "198.19.0.4 tcp 22 unfiltered reset\n198.19.0.4 udp 53 open|filtered no-response\n",
      "--scan sA,sU")
rc, _ = run("truth", "--scan", "sS,sW", "22")
check(rc == 2, "two TCP scan types refused")

# The LAN.
rc, out = run("truth", "--live", "--targets", "198.18.1.0/24")
check(out.split() == [f"198.18.1.{i}" for i in sorted(pop.LAN_HOSTS)], "LAN --live")
rc, out = run("truth", "--targets", "198.18.1.10,198.18.1.2", "T:22,23,U:7,8")
check(out.splitlines() == ["198.18.1.2 tcp 22 filtered no-response",
                           "198.18.1.2 tcp 23 filtered no-response",
                           "198.18.1.2 udp 7 open|filtered no-response",
                           "198.18.1.2 udp 8 open|filtered no-response",
                           "198.18.1.10 tcp 22 open syn-ack", "198.18.1.10 tcp 23 closed reset",
                           "198.18.1.10 udp 7 open udp-response",
                           "198.18.1.10 udp 8 closed port-unreach"], "LAN truth")
rc, out = run("lan")
check(rc == 0 and "10 198.18.1.10 02:50:53:01:00:0a 22,80 7" in out.splitlines()
      and "11 198.18.1.11 02:50:53:01:00:0b 22,443 -" in out.splitlines(), "lan table")

# Stack personalities (truth --os, lan-sysctls): every LAN host has one of
# its own, the class-B is the target's kernel, and scripts/lab gets each
# host's changed sysctls (shell-quoted) and route advmss.
import personalities  # noqa: E402
check(set(pop.LAN_PERSONALITY.values()) <= set(personalities.PERSONALITIES)
      and len(set(pop.LAN_PERSONALITY.values())) == len(pop.LAN_HOSTS), "one personality per LAN host")
rc, out = run("truth", "--os", "--targets", "198.18.1.10,198.18.1.11,198.18.1.2,198.19.0.1,198.19.0.5")
check(rc == 0 and out.splitlines() == [
    "198.18.1.10 linux ttl=64 timestamps=1 window_scaling=1 sack=1 ecn=2 rmem=4096,131072,33554432 advmss=1460",
    "198.18.1.11 ttl128 ttl=128 timestamps=0 window_scaling=1 sack=1 ecn=0 rmem=4096,131072,33554432 advmss=1460",
    "198.19.0.1 target ttl=64 timestamps=1 window_scaling=1 sack=1 ecn=2 rmem=4096,131072,33554432 advmss=1460"],
    "truth --os: live hosts only, LAN personalities, the class-B's kernel")
rc, out = run("truth", "--os", "--targets", "198.19.0.0/28", "T:22,8080,U:9")
check(rc == 0 and [line.split()[0] for line in out.splitlines()] == ["198.19.0.1", "198.19.0.2", "198.19.0.13", "198.19.0.14"],
      "truth --os PORTS: only hosts whose -O ports the kernel answers (not .3 firewalled, "
      ".4 and .10 overridden on 22, .12 with a reset window on 8080)")
rc, out = run("lan-sysctls")
lines = dict(line.split(" ", 1) for line in out.splitlines())
check(rc == 0 and lines["10"] == "-" and lines["21"] == "1400 net.ipv4.tcp_window_scaling=0"
      and lines["100"] == "- 'net.ipv4.tcp_rmem=4096 8192 65536'", "lan-sysctls")

# Host discovery (truth --discovery).
P = pop.parse_probes
check(P("PE,PP,PS443,PA80,PU40125,PO1,2,4")
      == [("PE", None), ("PP", None), ("PS", 443), ("PA", 80), ("PU", 40125),
          ("PO", 1), ("PO", 2), ("PO", 4)], "probe list in nmap's spelling")
check(P("-PE -PS22,80,443") == P("PE,PS22:80:443") == [("PE", None), ("PS", 22), ("PS", 80), ("PS", 443)],
      "probe list with dashes and spaces, ':' between ports")
check(P("default") == list(pop.DISCOVERY_DEFAULT) == P("PE,PS443,PA80,PP"), "nmap's default probes")
check(P("PS,PA,PU,PO") == [("PS", 80), ("PA", 80), ("PU", 40125), ("PO", 1), ("PO", 2), ("PO", 4)],
      "nmap's default ports and protocols")
check(P("PS20-22") == [("PS", 20), ("PS", 21), ("PS", 22)], "port ranges")
for bad in ("PX", "80", "PE5", "Pn,PE", "PS,80", ""):
    try:
        P(bad)
        check(False, f"rejects probes {bad!r}")
    except ValueError:
        check(True, f"rejects probes {bad!r}")
D = pop.discovery_reasons
default = P("default")
check(D(h1, default) == ["echo-reply", "syn-ack", "reset", "timestamp-reply"],
      "198.19.0.1 answers every default probe")
check(D(h3, default) == ["reset"], "198.19.0.3 (firewalled, 80 open) answers only the ACK to 80")
check(D(h5, default) == [] and D(h5, P("Pn")) == ["user-set"], "198.19.0.5: down; -Pn: user-set")
check(D(h1, P("PM")) == [], "no address mask replies (Linux)")
h10, h13 = pop.Host(10), pop.Host(13)
check(all(D(h10, P(f"PS{p}")) == [] for p in (21, 22, 80, 110, 443))
      and D(h10, P("PU53,123")) == [], "ICMP net/host unreachable, net/host/admin prohibited: not up")
check(D(h10, P("PS25")) == ["proto-unreach"] and D(h10, P("PA53")) == ["port-unreach"]
      and D(h10, P("PU161")) == ["proto-unreach"], "ICMP protocol/port unreachable: up")
check(D(h13, P("PO103")) == ["port-unreach"] and D(h13, P("PO2,4,47,50,51,132")) == []
      and D(h13, P("PO")) == ["proto-response"], "-PO readings of 198.19.0.13")
check(D(h1, P("PU53")) == [] and D(h1, P("PU53"), udp_payloads=True) == ["udp-response"]
      and D(h1, P("PU")) == ["port-unreach"],
      "-PU readings: an empty datagram gets nothing from DNS, a DNS payload an answer")
lan10, lan2 = pop.host_at(pop.LAN_BASE + 10), pop.host_at(pop.LAN_BASE + 2)
check(D(lan10, P("PE")) == ["arp-response"] and D(lan2, default) == [],
      "LAN: ARP whatever the probes")
check(D(lan10, P("PE,PU7"), arp=False) == ["echo-reply", "udp-response"],
      "LAN without ARP: the probes")
fw_live = [h for h in live if h.firewalled]
up = [h for h in live if D(h, default)]
check(all(D(h, default) for h in live if not h.firewalled), "every unfirewalled live host is up")
check(0 < len(up) - (len(live) - len(fw_live)) < len(fw_live),
      f"some, not all, firewalled hosts are found ({len(up) - len(live) + len(fw_live)} of {len(fw_live)})")
rc, out = run("truth", "--discovery", "default", "198.19.0.0/29")
check(rc == 0 and out.splitlines() == ["198.19.0.1 up echo-reply,syn-ack,reset,timestamp-reply",
                                       "198.19.0.2 up echo-reply,syn-ack,reset,timestamp-reply",
                                       "198.19.0.3 up reset",
                                       "198.19.0.4 up echo-reply,timestamp-reply"],
      "truth --discovery default 198.19.0.0/29")
rc, out = run("truth", "--discovery=-PE -PU7", "--disable-arp-ping", "--targets", "198.18.1.0/28")
check(rc == 0 and out.splitlines()[0] == "198.18.1.10 up echo-reply,udp-response",
      "truth --discovery --disable-arp-ping on the LAN")

# The ruleset encodes the same decisions.
rc, nft = run("nft")
check(rc == 0, "nft generates")


def elements(name):
    m = re.search(r"set %s \{.*?(?:elements = \{(.*?)\}|\n\t\})" % name, nft, re.S)
    return {e.strip() for e in (m.group(1) or "").split(",") if e.strip()} if m else set()


check(len(elements("live")) == len(live), "live set == live hosts")
check(len(elements("firewalled")) == len(fw), "firewalled set == firewalled hosts")
for proto, acts_ in pop.OVERRIDE_ACTIONS.items():
    for act in acts_:
        want = {f"{h.addr} . {p}" for h in live for (pr, p), a in h.overrides.items()
                if pr == proto and a == act}
        check(elements(f"{proto}_{act}") == want, f"set {proto}_{act} == truth")
        rule = f"@{proto}_{act} {pop._reject(proto, act)}"
        check(rule in nft, f"rule {rule}")
check(elements("tcp_rst_window") == {f"{h.addr} . {p}" for h in live for p in h.window},
      "set tcp_rst_window == truth")
check("198.19.0.3 . 22" in elements("tcp_fw_open")
      and "198.19.0.3 . 21" not in elements("tcp_fw_open"), "fw_open of 198.19.0.3")

check('iifname != { "ps-tgt0", "ps-tgt1" } accept' in nft,
      "the ruleset judges the scanner's link and the routed segment's")

# The relayed scans (-sI, -b): open only where the target answers a SYN with
# a SYN-ACK; everything else is the zombie's / the relay's "no change".
h4, h10 = pop.Host(4), pop.Host(10)
check([h4.verdict("sI", p) for p in (21, 22, 80, 443)]
      == [("open", "ipid-change")] + [("closed|filtered", "no-ipid-change")] * 3,
      "sI of 198.19.0.4: 21 open; 22 reset, 80 drop, 443 admin closed|filtered")
check(all(h10.verdict("sI", p) == ("closed|filtered", "no-ipid-change")
          for p in (21, 22, 25, 53, 80, 110, 443)), "sI: every ICMP reject is closed|filtered")
check(pop.Host(1).verdict("b", 6379) == ("open", "no-response")
      and pop.Host(1).verdict("b", 8080) == ("closed", "no-response")
      and pop.Host(5).verdict("b", 6379) == ("closed", "no-response"),
      "b: open / closed, reason no-response")
rc, out = run("truth", "--scan", "sI", "--targets", "198.19.0.5", "22")
check(out == "198.19.0.5 tcp 22 closed|filtered no-ipid-change\n", "sI of a dead host")
with contextlib.redirect_stderr(io.StringIO()):
    check(run("truth", "--scan", "b", "--targets", "198.19.0.1", "1023,1024")[0] == 2,
          "b: no truth below port 1024")
    check(run("truth", "--scan", "sI", "--targets", "198.18.1.10", "22")[0] == 2,
          "sI: no truth for the LAN")
    check(run("truth", "--trace", "--targets", "198.19.0.1")[0] == 2,
          "trace: only the routed segment")
rc, out = run("truth", "--trace", "--targets", "198.18.3.10")
check(out == "198.18.3.10 hop 1 198.18.0.2\n198.18.3.10 hop 2 198.18.2.2\n"
      "198.18.3.10 hop 3 198.18.3.10\n", "trace to the zombie: 3 hops")

# IPv6: the same population at 2001:db8:1::h, the LAN at 2001:db8:0:1::N.
import ipaddress  # noqa: E402
V6 = pop.BASE6
check(pop.parse_targets("2001:db8:1::/126") == [V6, V6 + 1, V6 + 2, V6 + 3]
      and pop.parse_targets("198.19.0.1,198.18.1.10", family=6) == [pop.LAN_BASE6 + 10, V6 + 1]
      and pop.parse_targets("2001:db8:0:1::/126") == [pop.LAN_BASE6, pop.LAN_BASE6 + 2, pop.LAN_BASE6 + 3],
      "IPv6 targets, --family 6 translation, the scanner's LAN address left out")
for bad, fam in (("2001:db8:1::/64", None), ("2001:db8::2", None), ("2001:db8:2::1", None),
                 ("2001:db8:0:1::1", None), ("2001:db8:1::1", 4)):
    try:
        pop.parse_targets(bad, fam)
        check(False, f"rejects IPv6 target {bad} (family {fam})")
    except ValueError:
        check(True, f"rejects IPv6 target {bad} (family {fam})")
same = all((a.live, a.firewalled, a.overrides, a.fw_open, a.window)
           == (b.live, b.firewalled, b.overrides, b.fw_open, b.window)
           for a, b in ((pop.Host(h), pop.Host6(h)) for h in range(0, 1 << 16, 7)))
check(same, "every IPv6 host decides as its IPv4 twin")
check(pop.Host6(0xABCD).addr == "2001:db8:1::abcd" and pop.Host6(0).addr == "2001:db8:1::"
      and pop.host_at(pop.LAN_BASE6 + 10).addr == "2001:db8:0:1::a"
      and all(str(ipaddress.ip_address(V6 + h)) == pop.Host6(h).addr for h in (1, 0x100, 0xFFFF)),
      "IPv6 addresses as nmap prints them")
out6 = pop.host_at(V6 + 0x10000)
check(not out6.live and out6.addr == "2001:db8:1::1:0"
      and out6.verdict("sS", 22) == ("filtered", "no-response"), "the /64 beyond the /112 is dead")
g10 = pop.Host6(10)
check(verdicts(g10, "sS", (21, 22, 25, 53, 80, 110, 443))
      == ["filtered no-route", "filtered host-unreach", "filtered param-problem",
          "filtered port-unreach", "filtered admin-prohibited", "filtered reject-route",
          "filtered admin-prohibited"], "2001:db8:1::a: every ICMPv6 form of the rejects on TCP")
check(verdicts(g10, "sU", (53, 123, 161)) == ["filtered no-route", "filtered reject-route",
                                               "filtered param-problem"]
      and pop.Host6(1).verdict("sU", 161) == ("closed", "port-unreach")
      and pop.Host6(1).verdict("sU", 53) == ("open", "udp-response"), "IPv6 UDP")
check(verdicts(pop.Host6(1), "sO", (0, 1, 2, 6, 17, 44, 47, 58, 59, 103, 136, 255))
      == ["open|filtered no-response", "closed param-problem", "closed param-problem",
          "open proto-response", "open port-unreach", "open param-problem",
          "closed param-problem", "open proto-response", "open|filtered no-response",
          "open|filtered no-response", "open|filtered no-response", "closed param-problem"],
      "-6 -sO of a plain host")
check(verdicts(pop.Host6(13), "sO", (2, 4, 47, 50, 51, 103, 132))
      == ["filtered admin-prohibited", "open|filtered no-response", "filtered reject-route",
          "filtered no-route", "filtered admin-prohibited", "open port-unreach",
          "filtered host-unreach"], "2001:db8:1::d: IP protocol overrides over IPv6")
check(verdicts(pop.Host6(3), "sO", (1, 6, 58)) == ["open|filtered no-response",
                                                   "open proto-response",
                                                   "open|filtered no-response"],
      "-6 -sO of a firewalled host: only 80/tcp answers")
# Only the ICMP readings differ between the families, and only as mapped.
v4map = {r4: pop.ICMP6_REJECTS[a][2] for a, (_, _, r4) in pop.ICMP_REJECTS.items()}
rc4, out4 = run("truth", "--scan", "sS", "--targets", "198.19.0.0/22", "T:21,22,25,53,80,110,443,8080")
rc6, out6 = run("truth", "--scan", "sS", "--family", "6", "--targets", "198.19.0.0/22",
                "T:21,22,25,53,80,110,443,8080")
l4, l6 = out4.splitlines(), out6.splitlines()
check(rc4 == rc6 == 0 and len(l4) == len(l6) == 1024 * 8
      and all(b.split()[:4] == [pop.Host6(int(ipaddress.ip_address(a.split()[0])) - pop.BASE).addr]
              + a.split()[1:4] and b.split()[4] == v4map.get(a.split()[4], a.split()[4])
              for a, b in zip(l4, l6)), "-sS: IPv6 truth = IPv4 truth, ICMP reasons mapped")
rc, out = run("truth", "--family", "6", "--targets", "198.19.0.0/28", "T:22")
rc2, out2 = run("truth", "--targets", "2001:db8:1::/124", "T:22")
check(rc == rc2 == 0 and out == out2 and out.startswith("2001:db8:1:: tcp 22 filtered no-response\n"),
      "--family 6 of IPv4 targets = the IPv6 targets")
rc, out = run("truth", "--live", "--family", "6", "--targets", "198.18.1.0/24")
check(out.split() == [f"2001:db8:0:1::{i:x}" for i in sorted(pop.LAN_HOSTS)], "IPv6 LAN --live")
rc, out = run("truth", "--family", "6", "--scan", "sU", "--targets", "198.18.1.10", "U:7,8")
check(out == "2001:db8:0:1::a udp 7 open udp-response\n2001:db8:0:1::a udp 8 closed port-unreach\n",
      "IPv6 LAN truth")
with contextlib.redirect_stderr(io.StringIO()):
    check(run("truth", "--discovery", "PE", "--family", "6", "--targets", "198.19.0.1")[0] == 2,
          "--discovery: no IPv6 truth")
rc, out = run("truth", "--dns", "--family", "6")
check(rc == 0 and "ptr 2001:db8:1::1 lab.test" in out.splitlines()
      and "aaaa v6.lab.test 2001:db8:1::101" in out.splitlines()
      and "aaaa lab.test 2001:db8:1::1" in out.splitlines(), "truth --dns --family 6")
rc, out = run("dnsmasq-args")
check("--host-record=ns.lab.test,198.19.0.2,2001:db8:1::2" in out.splitlines()
      and "--host-record=v6.lab.test,2001:db8:1::101" in out.splitlines()
      and f"--local=/{pop.DNS_REVERSE6}/" in out.splitlines(), "dnsmasq's AAAA records")

# The IPv6 half of the ruleset: the same decisions as the truth.


def a6(host):
    return pop._addr6(pop.BASE6, host.h)


live6 = {a6(h) for h in live}
check(elements("live6") == live6, "set live6 == live hosts")
check(elements("firewalled6") == {a6(h) for h in fw}, "set firewalled6")
for proto, acts_ in pop.OVERRIDE_ACTIONS.items():
    for act in acts_:
        want = {f"{a6(h)} . {p}" for h in live for (pr, p), a in h.overrides.items()
                if pr == proto and a == act}
        ok = elements(f"{proto}_{act}6") == want
        ok = ok and all(f"@{proto}_{act}6 {stmt}" in nft for stmt in pop._reject6(proto, act))
        check(ok, f"set {proto}_{act}6 == truth, and its rule")
check(elements("tcp_rst_window6") == {f"{a6(h)} . {p}" for h in live for p in h.window},
      "set tcp_rst_window6 == truth")
check("ip6 daddr != 2001:db8:1::/64 return" in nft and "ip6 daddr != @live6 drop" in nft,
      "IPv6: the /64 is judged, only live hosts pass")


def ones_sum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


# The provoked Parameter Problems: each marked quote sums as the restored one
# (so raw writes keep the checksum right), and every marking decodes to one
# protocol and one message.
quote = bytearray(b"\x60\x01\x23\x45\x00\x00\x06\x40" + bytes(range(32)))
marks = {}
for p in (6, 17, *pop.KERNEL_OPTIONAL_PROTOCOLS):
    marks[(p, pop.PARAMPROB_NEXTHDR)] = (p, "param-problem")
for act, n in pop.IP_REJECT_MARKERS.items():
    for p in pop.LAB_PORTS["ip"]:
        marks[(pop._ip_marker_byte(p, act), n)] = (p, act)
neutral = True
for (b0, nh), (p, _) in marks.items():
    orig, marked = bytearray(quote), bytearray(quote)
    orig[6], marked[0], marked[6] = p, b0, nh
    neutral &= ones_sum(bytes(orig)) == ones_sum(bytes(marked)) and b0 != 0x60
neutral &= len(marks) == len(pop.KERNEL_OPTIONAL_PROTOCOLS) + 2 + len(pop.IP_REJECT_MARKERS) * len(pop.LAB_PORTS["ip"])
check(neutral, "provoked Parameter Problems: markings checksum-neutral, distinct, never a real header")
restore = pop.kernel_optional_rules6()[1] + pop.ip_reject_rules6()
check(all(r in nft for r in restore) and len(restore) == len(marks), "output6 restores every marking")
rc, lan_nft = run("nft-lan")
check("table ip6 portsweep_lan6" in lan_nft and "@th,112,8 set 47" in lan_nft,
      "LAN hosts: the module-claimable protocols over IPv6 too")

print(f"{len(failures)} failure(s)" if failures else "all ok")
sys.exit(1 if failures else 0)
