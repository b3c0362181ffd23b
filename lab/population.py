#!/usr/bin/env python3
"""The portsweep lab's host population: the ONE place that defines it.

The lab's target namespace answers for every address of 198.19.0.0/16 (a
`local` route), so which hosts look alive and which ports look open, closed or
filtered is decided entirely by an nftables ruleset.  This module both
generates that ruleset (`nft`) and prints what a correct scanner must report
(`truth`), so the two can never drift apart.

Everything is a pure function of the host index h (the low 16 bits of the
address) and the port, through a fixed integer hash: no random state, no seed
files, identical on every machine and every run.

Rules (percentages are per mille of the hashed draw, see the constants):
  * a host is LIVE with 25 % probability; every packet to a dead host is
    silently dropped (ICMP echo included);
  * a live host is FIREWALLED with 10 % probability: it drops every port
    that is not explicitly open there (22/tcp always, every other service
    port with 50 % probability);
  * each (live host, lab port) gets an override with 18 % probability:
    6 % CLOSED by a forged TCP reset (UDP: ICMP port unreachable),
    6 % FILTERED by a silent drop, 6 % FILTERED by ICMP admin-prohibited
    (type 3 code 13).  Overrides win over the firewalled-host default;
  * anything else is left to the kernel: open if a lab service listens on
    the port, closed otherwise (TCP reset / ICMP port unreachable).
  * a few KNOWN hosts are pinned (see KNOWN below) so tests can rely on them.

IPv6 (2001:db8:1::/64) is not part of the population: every address there is
live and behaves like an unfiltered host.

States and reasons are nmap's words, exactly what `nmap -Pn` reports:
  tcp: open/syn-ack, closed/reset, filtered/no-response,
       filtered/admin-prohibited
  udp: open/udp-response, closed/port-unreach, open|filtered/no-response,
       filtered/admin-prohibited
A dead host is reported like nmap -Pn reports it: tcp filtered/no-response,
udp open|filtered/no-response (`truth --live` lists the live hosts, and
`--live-only` leaves the dead ones out).
"""

import argparse
import ipaddress
import sys

NETWORK = ipaddress.IPv4Network("198.19.0.0/16")
BASE = int(NETWORK.network_address)

# What the lab's services (started by scripts/lab) listen on, on the wildcard
# address, inside the target namespace.  Nothing else listens there.
TCP_SERVICES = {21: "vsftpd", 22: "sshd", 53: "dnsmasq", 80: "nginx",
                443: "nginx", 6379: "redis-server"}
UDP_SERVICES = {53: "dnsmasq"}
LISTENING = {"tcp": frozenset(TCP_SERVICES), "udp": frozenset(UDP_SERVICES)}

# Ports that get per-host overrides.  Ports outside these lists only follow
# the host-wide rules (dead / firewalled / kernel default).
LAB_PORTS = {
    "tcp": (21, 22, 25, 53, 80, 110, 443, 6379, 8080, 8443),
    "udp": (53, 123, 161),
}

# Probabilities, in per mille of a hashed draw.
LIVE_PERMILLE = 250
FIREWALLED_PERMILLE = 100
RESET_PERMILLE = 60
DROP_PERMILLE = 60
ADMIN_PERMILLE = 60
FW_OPEN_PERMILLE = 500
FW_ALWAYS_OPEN = (("tcp", 22),)

# Actions, i.e. what the ruleset does with a packet to (host, proto, port).
ACCEPT, RESET, DROP, ADMIN = "accept", "reset", "drop", "admin"

# Pinned hosts (index = low 16 bits).  Keep this documented in the report and
# in the tests: they rely on these.
#   198.19.0.1  live, not firewalled, no overrides: every service open
#   198.19.0.2  live, not firewalled, no overrides
#   198.19.0.3  live, firewalled, only 22/tcp and 80/tcp open
#   198.19.0.4  live, not firewalled, one override of each kind:
#               22/tcp closed(reset), 80/tcp filtered(drop),
#               443/tcp filtered(admin), 53/udp open|filtered(drop),
#               161/udp filtered(admin), 6379/tcp closed(reset)
#   198.19.0.5  dead
#   198.19.1.1  live, not firewalled, no overrides
#   198.19.255.254 live, not firewalled, no overrides
KNOWN = {
    0x0001: dict(live=True, firewalled=False, overrides={}),
    0x0002: dict(live=True, firewalled=False, overrides={}),
    0x0003: dict(live=True, firewalled=True, overrides={},
                 fw_open={("tcp", 22), ("tcp", 80)}),
    0x0004: dict(live=True, firewalled=False, overrides={
        ("tcp", 22): RESET, ("tcp", 80): DROP, ("tcp", 443): ADMIN,
        ("tcp", 6379): RESET, ("udp", 53): DROP, ("udp", 161): ADMIN}),
    0x0005: dict(live=False),
    0x0101: dict(live=True, firewalled=False, overrides={}),
    0xFFFE: dict(live=True, firewalled=False, overrides={}),
}

# Salts that make each decision an independent draw.
_SALT_LIVE, _SALT_FW, _SALT_OVR, _SALT_FWOPEN = 0x1111, 0x2222, 0x3333, 0x4444
_PROTO_NUM = {"tcp": 6, "udp": 17}


def _mix32(x):
    """A 32-bit integer finaliser (xorshift-multiply); cheap and well mixed."""
    x &= 0xFFFFFFFF
    x = ((x ^ (x >> 16)) * 0x7FEB352D) & 0xFFFFFFFF
    x = ((x ^ (x >> 15)) * 0x846CA68B) & 0xFFFFFFFF
    return x ^ (x >> 16)


def _draw(h, salt, proto="tcp", port=0):
    """A deterministic draw in [0, 1000) for one decision about one host.

    Equal to _mix32(_mix32(key) ^ (port * 0x9E3779B1)) % 1000, inlined
    because it runs ~300k times per ruleset."""
    x = (h | (_PROTO_NUM[proto] << 16) | (salt << 24)) & 0xFFFFFFFF
    x = ((x ^ (x >> 16)) * 0x7FEB352D) & 0xFFFFFFFF
    x = ((x ^ (x >> 15)) * 0x846CA68B) & 0xFFFFFFFF
    x = (x ^ (x >> 16) ^ (port * 0x9E3779B1)) & 0xFFFFFFFF
    x = ((x ^ (x >> 16)) * 0x7FEB352D) & 0xFFFFFFFF
    x = ((x ^ (x >> 15)) * 0x846CA68B) & 0xFFFFFFFF
    return (x ^ (x >> 16)) % 1000


def _addr(h):
    """Dotted quad of host index h (what ipaddress would print, only faster)."""
    return f"198.19.{h >> 8}.{h & 255}"


class Host:
    __slots__ = ("h", "live", "firewalled", "overrides", "fw_open")

    def __init__(self, h):
        self.h = h
        pinned = KNOWN.get(h)
        if pinned is not None:
            self.live = pinned["live"]
        else:
            self.live = _draw(h, _SALT_LIVE) < LIVE_PERMILLE
        self.firewalled = False
        self.overrides = {}
        self.fw_open = frozenset()
        if not self.live:
            return
        if pinned is not None:
            self.firewalled = pinned["firewalled"]
            self.overrides = dict(pinned["overrides"])
            self.fw_open = frozenset(pinned.get("fw_open", ()))
            return
        self.firewalled = _draw(h, _SALT_FW) < FIREWALLED_PERMILLE
        for proto, ports in LAB_PORTS.items():
            for port in ports:
                r = _draw(h, _SALT_OVR, proto, port)
                if r < RESET_PERMILLE:
                    self.overrides[(proto, port)] = RESET
                elif r < RESET_PERMILLE + DROP_PERMILLE:
                    self.overrides[(proto, port)] = DROP
                elif r < RESET_PERMILLE + DROP_PERMILLE + ADMIN_PERMILLE:
                    self.overrides[(proto, port)] = ADMIN
        if self.firewalled:
            opened = set(FW_ALWAYS_OPEN)
            for proto, ports in LISTENING.items():
                for port in ports:
                    if _draw(h, _SALT_FWOPEN, proto, port) < FW_OPEN_PERMILLE:
                        opened.add((proto, port))
            self.fw_open = frozenset(opened)

    @property
    def addr(self):
        return _addr(self.h)

    def action(self, proto, port):
        """What the target's ruleset does with a packet to this port."""
        if not self.live:
            return DROP
        act = self.overrides.get((proto, port))
        if act is not None:
            return act
        if self.firewalled and (proto, port) not in self.fw_open:
            return DROP
        return ACCEPT

    def state(self, proto, port):
        """(state, reason) as `nmap -Pn -sS` / `-sU` reports them."""
        act = self.action(proto, port)
        if act == ACCEPT:
            act = None if port in LISTENING[proto] else RESET
        return _STATE[proto][act]


_STATE = {
    "tcp": {None: ("open", "syn-ack"), RESET: ("closed", "reset"),
            DROP: ("filtered", "no-response"),
            ADMIN: ("filtered", "admin-prohibited")},
    "udp": {None: ("open", "udp-response"), RESET: ("closed", "port-unreach"),
            DROP: ("open|filtered", "no-response"),
            ADMIN: ("filtered", "admin-prohibited")},
}


def all_hosts():
    return [Host(h) for h in range(1 << 16)]


# ---------------------------------------------------------------- parsing

def parse_ports(spec):
    """nmap-style port list: '21,22,80', '1-1024', 'T:21-25,U:53'.

    A T:/U: prefix applies to its item and every following item until the
    next prefix (as in nmap); items before any prefix are TCP.  Returns
    {'tcp': sorted list, 'udp': sorted list}.
    """
    out = {"tcp": set(), "udp": set()}
    proto = "tcp"
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        if len(item) > 1 and item[1] == ":":
            prefix = item[0].upper()
            if prefix not in "TU":
                raise ValueError(f"unsupported protocol prefix in {item!r}")
            proto = "tcp" if prefix == "T" else "udp"
            item = item[2:]
        if "-" in item:
            lo, hi = item.split("-", 1)
            lo = int(lo) if lo else 1
            hi = int(hi) if hi else 65535
        else:
            lo = hi = int(item)
        if not (0 <= lo <= hi <= 65535):
            raise ValueError(f"bad port range {item!r}")
        out[proto].update(range(lo, hi + 1))
    return {p: sorted(v) for p, v in out.items()}


def parse_targets(spec):
    """Comma-separated addresses / CIDRs inside 198.19.0.0/16 -> sorted h list."""
    hs = set()
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        net = ipaddress.IPv4Network(item, strict=False)
        if not net.subnet_of(NETWORK):
            raise ValueError(f"{item} is outside the lab network {NETWORK}")
        first = int(net.network_address) - BASE
        hs.update(range(first, first + net.num_addresses))
    return sorted(hs)


# --------------------------------------------------------------- commands

def cmd_truth(args):
    hs = parse_targets(args.targets)
    out = sys.stdout
    pick = {"live": lambda x: x.live, "dead": lambda x: not x.live,
            "firewalled": lambda x: x.firewalled}.get(args.hosts)
    if pick is not None:
        out.write("".join(f"{_addr(h)}\n" for h in hs if pick(Host(h))))
        return 0
    if args.ports is None:
        raise ValueError("truth needs a port list (or --live/--dead/--firewalled)")
    ports = parse_ports(args.ports)
    items = [(proto, port) for proto in ("tcp", "udp") for port in ports[proto]]
    dead_tail = [f" {proto} {port} {' '.join(_STATE[proto][DROP])}\n"
                 for proto, port in items]
    chunk = []
    for h in hs:
        host = Host(h)
        addr = _addr(h)
        if not host.live:
            if args.live_only:
                continue
            chunk.extend(addr + tail for tail in dead_tail)
        else:
            for proto, port in items:
                st, why = host.state(proto, port)
                chunk.append(f"{addr} {proto} {port} {st} {why}\n")
        if len(chunk) > 65536:
            out.write("".join(chunk))
            chunk.clear()
    out.write("".join(chunk))
    return 0


def _elements(items):
    items = list(items)
    if not items:
        return ""
    return "\t\telements = {\n\t\t\t" + ",\n\t\t\t".join(items) + "\n\t\t}\n"


def cmd_nft(args):
    everyone = all_hosts()
    hosts = [h for h in everyone if h.live]
    sets = {f"{p}_{a}": [] for p in ("tcp", "udp") for a in (RESET, DROP, ADMIN)}
    fw_open = {"tcp": [], "udp": []}
    firewalled = []
    for host in hosts:
        for (proto, port), act in sorted(host.overrides.items()):
            sets[f"{proto}_{act}"].append(f"{host.addr} . {port}")
        if host.firewalled:
            firewalled.append(host.addr)
            for proto, port in sorted(host.fw_open):
                fw_open[proto].append(f"{host.addr} . {port}")

    def addr_set(name, elems):
        return (f"\tset {name} {{\n\t\ttype ipv4_addr\n"
                f"{_elements(elems)}\t}}\n")

    def pair_set(name, elems):
        return (f"\tset {name} {{\n\t\ttype ipv4_addr . inet_service\n"
                f"{_elements(elems)}\t}}\n")

    w = sys.stdout.write
    w("# Generated by lab/population.py nft -- do not edit.\n")
    w("".join(f"# population: {line}\n" for line in summary_lines(everyone)))
    w("table inet portsweep_lab {\n")
    w(addr_set("live", (h.addr for h in hosts)))
    w(addr_set("firewalled", firewalled))
    for name, elems in sets.items():
        w(pair_set(name, elems))
    for proto, elems in fw_open.items():
        w(pair_set(f"{proto}_fw_open", elems))
    # Stateless on purpose: no conntrack, so a 300k pps SYN sweep can't fill a
    # connection table, and every packet gets the same verdict as the truth.
    w(f"""\tchain input {{
\t\ttype filter hook input priority filter; policy accept;
\t\t# Only the scanner's traffic to the population is shaped: replies,
\t\t# loopback and the link addresses (198.18.0.0/24) are left alone.
\t\tiifname != "{args.iface}" accept
\t\tmeta nfproto != ipv4 accept
\t\tip daddr != {NETWORK} accept
\t\tip daddr != @live drop
\t\tip daddr . tcp dport @tcp_reset reject with tcp reset
\t\tip daddr . tcp dport @tcp_drop drop
\t\tip daddr . tcp dport @tcp_admin reject with icmp type admin-prohibited
\t\tip daddr . udp dport @udp_reset reject with icmp type port-unreachable
\t\tip daddr . udp dport @udp_drop drop
\t\tip daddr . udp dport @udp_admin reject with icmp type admin-prohibited
\t\tip daddr @firewalled jump firewalled
\t}}
\tchain firewalled {{
\t\tip daddr . tcp dport @tcp_fw_open accept
\t\tip daddr . udp dport @udp_fw_open accept
\t\tdrop
\t}}
}}
""")
    return 0


def summary_lines(hosts):
    live = [h for h in hosts if h.live]
    fw = [h for h in live if h.firewalled]
    counts = {RESET: 0, DROP: 0, ADMIN: 0}
    for host in live:
        for act in host.overrides.values():
            counts[act] += 1
    pairs = len(live) * sum(len(p) for p in LAB_PORTS.values())
    return [f"hosts {len(hosts)} live {len(live)} dead {len(hosts) - len(live)} "
            f"firewalled {len(fw)}",
            f"lab-port overrides over {pairs} live (host,port) pairs: "
            f"reset {counts[RESET]} drop {counts[DROP]} admin {counts[ADMIN]}"]


def cmd_summary(_args):
    print("\n".join(summary_lines(all_hosts())))
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("truth", help="expected state of every (addr, proto, port)")
    t.add_argument("--targets", default=str(NETWORK),
                   help="comma-separated addresses/CIDRs (default: the /16)")
    t.add_argument("--live", dest="hosts", action="store_const", const="live",
                   help="print only the addresses of the live hosts")
    t.add_argument("--dead", dest="hosts", action="store_const", const="dead",
                   help="print only the addresses of the dead hosts")
    t.add_argument("--firewalled", dest="hosts", action="store_const",
                   const="firewalled",
                   help="print only the addresses of the firewalled hosts")
    t.add_argument("--live-only", action="store_true",
                   help="omit the lines of dead hosts")
    t.add_argument("ports", nargs="?", help="nmap-style: 21,22 1-1024 T:21,U:53")
    n = sub.add_parser("nft", help="print the target namespace's nftables ruleset")
    n.add_argument("--iface", default="ps-tgt0")
    sub.add_parser("summary", help="population counts")
    args = ap.parse_args(argv)
    try:
        return {"truth": cmd_truth, "nft": cmd_nft,
                "summary": cmd_summary}[args.cmd](args)
    except ValueError as e:
        print(f"population.py: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
