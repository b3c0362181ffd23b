#!/usr/bin/env python3
"""Checks of lab/population.py that need no root and no lab: port syntax,
the pinned hosts, the proportions, determinism, and that the generated
nftables ruleset encodes the same decisions as the truth."""

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
check(pop.parse_ports("21,22,80") == {"tcp": [21, 22, 80], "udp": []}, "plain list is TCP")
check(pop.parse_ports("T:21-23,80,U:53,161")
      == {"tcp": [21, 22, 23, 80], "udp": [53, 161]}, "T:/U: prefixes carry over")
check(len(pop.parse_ports("1-1024")["tcp"]) == 1024, "ranges")
check(pop.parse_ports("U:-3")["udp"] == [1, 2, 3], "open-ended range")
for bad in ("70000", "S:80", "5-3"):
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
check(pop.parse_targets("198.19.0.0/30,198.19.0.2") == [0, 1, 2, 3], "target list")

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

# Proportions and determinism.
hosts = pop.all_hosts()
live = [h for h in hosts if h.live]
fw = [h for h in live if h.firewalled]
check(0.23 < len(live) / len(hosts) < 0.27, f"~25% live ({len(live)})")
check(0.08 < len(fw) / len(live) < 0.12, f"~10% of live firewalled ({len(fw)})")
acts = collections.Counter(a for h in live for a in h.overrides.values())
pairs = len(live) * sum(len(p) for p in pop.LAB_PORTS.values())
for act in (pop.RESET, pop.DROP, pop.ADMIN):
    check(0.05 < acts[act] / pairs < 0.07, f"~6% {act} overrides ({acts[act]})")
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

# The ruleset encodes the same decisions.
rc, nft = run("nft")
check(rc == 0, "nft generates")


def elements(name):
    m = re.search(r"set %s \{.*?(?:elements = \{(.*?)\}|\n\t\})" % name, nft, re.S)
    return {e.strip() for e in (m.group(1) or "").split(",") if e.strip()} if m else set()


check(len(elements("live")) == len(live), "live set == live hosts")
check(len(elements("firewalled")) == len(fw), "firewalled set == firewalled hosts")
for proto in ("tcp", "udp"):
    for act in (pop.RESET, pop.DROP, pop.ADMIN):
        want = {f"{h.addr} . {p}" for h in live for (pr, p), a in h.overrides.items()
                if pr == proto and a == act}
        check(elements(f"{proto}_{act}") == want, f"set {proto}_{act} == truth")
check("198.19.0.3 . 22" in elements("tcp_fw_open")
      and "198.19.0.3 . 21" not in elements("tcp_fw_open"), "fw_open of 198.19.0.3")

print(f"{len(failures)} failure(s)" if failures else "all ok")
sys.exit(1 if failures else 0)
