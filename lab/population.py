#!/usr/bin/env python3
"""The portsweep lab's host population: the ONE place that defines it.

The lab's target namespace answers for every address of 198.19.0.0/16 (a
`local` route), so which hosts look alive and which ports look open, closed or
filtered is decided entirely by an nftables ruleset.  This module both
generates that ruleset (`nft`) and prints what a correct scanner must report
(`truth`), so the two can never drift apart.  It also defines the small
on-link LAN (198.18.1.0/24, one namespace per host behind a bridge) that
scripts/lab builds next to the class-B (`lan`).

Everything is a pure function of the host index h (the low 16 bits of the
address) and the port, through a fixed integer hash: no random state, no seed
files, identical on every machine and every run.

Rules (percentages are per mille of the hashed draw, see the constants):
  * a host is LIVE with 25 % probability; every packet to a dead host is
    silently dropped (ICMP echo included);
  * a live host is FIREWALLED with 10 % probability: it drops every packet
    that is not for a port explicitly open there (22/tcp always, every other
    service port with 50 % probability), any IP protocol included;
  * each (live host, lab port) gets an override with 24 % (TCP) / 23 % (UDP)
    probability: 6 % CLOSED by a forged TCP reset (UDP: ICMP port
    unreachable), 6 % FILTERED by a silent drop, 6 % FILTERED by ICMP
    admin-prohibited (type 3 code 13), and 1 % each FILTERED by ICMP
    net-unreachable (0), host-unreachable (1), protocol-unreachable (2),
    port-unreachable (3, TCP only: for UDP that is the reset), net-prohibited
    (9) and host-prohibited (10).  Overrides win over the firewalled-host
    default;
  * each (live host, lab TCP port) answers its resets with a non-zero TCP
    window with 5 % probability (an nftables rewrite of the outgoing RST; a
    Linux RST always has window 0), which nmap's window scan calls open;
  * each (live host, lab IP protocol) gets an override with 18 %
    probability: 6 % dropped, 6 % admin-prohibited, 1 % each net-/host-
    unreachable, port-unreachable, net-/host-prohibited;
  * anything else is left to the kernel: open if a lab service listens on
    the port, closed otherwise (TCP reset / ICMP port unreachable); IP
    protocols the kernel does not handle get ICMP protocol unreachable.
  * a few KNOWN hosts are pinned (see KNOWN below) so tests can rely on them.

IPv6: 2001:db8:1::/112 is the same population (2001:db8:1::h is host h,
the twin of 198.19.x.y with h = x*256+y): the same live, dead and
firewalled hosts, the same per-port and per-protocol overrides and
rewritten reset windows, from an ip6 half of the same ruleset.  The rest of
the target's 2001:db8:1::/64 is dead (dropped).  The LAN has an IPv6 twin
too, 2001:db8:0:1::/64 (2001:db8:0:1::N is 198.18.1.N, N as a number: .10
is ::a).  What differs is only what IPv6 can say (see ICMP6_REJECTS):
  * the ICMPv4 unreachables map to ICMPv6 destination unreachables:
    net-unreach (0) -> no-route (1/0), host-unreach (1) -> address
    unreachable (1/3), port-unreach (3) -> port unreachable (1/4),
    admin-prohibited (13) -> admin prohibited (1/1); IPv6 has no net- or
    host-prohibited, so net-prohibited (9) -> "source address failed
    ingress/egress policy" (1/5, which nmap reads as admin-prohibited) and
    host-prohibited (10) -> "reject route to destination" (1/6,
    reject-route): the closest in meaning, and all distinct on the wire;
  * protocol-unreach (3/2) -> Parameter Problem code 1 ("unrecognized Next
    Header"), what the kernel itself sends for an unknown protocol.
    nftables cannot forge a Parameter Problem, so the ruleset makes the
    kernel send it: the probe's Next Header becomes 96 (a protocol Linux
    does not know) and its first byte the original protocol number; the
    output chain puts both bytes back in the quoted packet of the kernel's
    error (two swapped high bytes leave the ICMPv6 checksum valid).  Only
    for probes with traffic class < 16 (first byte 0x60, as scanners send);
    the rule drops the others.  The module-claimable protocols get the
    same treatment, as IPv4's get a forged protocol unreachable;
  * -sO: ICMPv6 is protocol 58 (an echo request; nmap -6 reads the reply as
    proto-response) and protocol 1 is just another unknown protocol.
    Linux says nothing to nmap's bare hop-by-hop (0), routing (43),
    no-next-header (59), destination options (60), PIM (103) and UDP-Lite
    (136) probes, and answers its empty fragment header (44) with a
    Parameter Problem code 0 (nmap: open param-problem).
  * every ICMPv6 error comes from the probed address, as ICMPv4's do: Linux
    sources an ICMPv6 error from the offending packet's destination only if
    that is a configured address (the population has a local route, no
    addresses: 16k of them take the kernel most of a minute to add), else
    from 2001:db8::2, and nmap reads a port unreachable from elsewhere as
    "filtered"; so the output chain gives every ICMPv6 error about a
    population address that address as its source (checksum updated).
Discovery (-sn), traceroute, OS personalities and the relayed scans have
no IPv6 truth.

What a target sends back to each probe follows from the rules and from what
the Linux kernel does (see `Host.response`); the state and reason a scan type
makes of that are nmap's (see `verdict`), in nmap's words, exactly what
`nmap -Pn --reason` reports.  `truth --scan TYPE` prints them for one of
sS (default for TCP ports), sA, sW, sM, sN, sF, sX, sU (default for UDP
ports) and sO.  `truth --discovery PROBES` prints, from the same replies,
the hosts nmap's host discovery (-sn) with those probes finds up, and the
reasons it may give (see discovery_reasons).  `truth --os` prints each live
host's TCP/IP stack personality (lab/personalities.py): the LAN hosts' own,
`target` for the class-B's one kernel.
"""

import argparse
import ipaddress
import shlex
import sys

import personalities

NETWORK = ipaddress.IPv4Network("198.19.0.0/16")
BASE = int(NETWORK.network_address)
# IPv6: the population's twin (host h is BASE6 + h), inside the /64 the
# target answers for (a local route; the rest of it is dead).
NETWORK6 = ipaddress.IPv6Network("2001:db8:1::/112")
ROUTE6 = ipaddress.IPv6Network("2001:db8:1::/64")
BASE6 = int(NETWORK6.network_address)
# The most addresses one truth may list (an IPv6 /64 has 2**64).
MAX_TARGETS = 1 << 20

# What the lab's services (started by scripts/lab) listen on, on the wildcard
# address, inside the target namespace.  Nothing else listens there.
# 2525 and 9999 are lab/slow_services.py: a mail server that greets only
# after 2 s, and a port that accepts and never sends a byte.  They are not
# LAB_PORTS (no per-host overrides): open on every live host, and on a
# firewalled one when its draw opens them, as every service port is.
TCP_SERVICES = {21: "vsftpd", 22: "sshd", 53: "dnsmasq", 80: "nginx",
                443: "nginx", 2525: "slow_services.py (delayed SMTP greeting)",
                6379: "redis-server", 9999: "slow_services.py (silent)"}
UDP_SERVICES = {53: "dnsmasq"}
LISTENING = {"tcp": frozenset(TCP_SERVICES), "udp": frozenset(UDP_SERVICES)}

# Ports that get per-host overrides.  Ports outside these lists only follow
# the host-wide rules (dead / firewalled / kernel default).  "ip" holds the
# IP protocol numbers with per-host overrides (never 1, 6 or 17: an override
# there would change every TCP / UDP / ICMP answer of the host).
LAB_PORTS = {
    "tcp": (21, 22, 25, 53, 80, 110, 443, 6379, 8080, 8443),
    "udp": (53, 123, 161),
    "ip": (2, 4, 41, 47, 50, 51, 103, 132, 136),
}

# Actions, i.e. what the ruleset does with a packet to (host, proto, port).
ACCEPT, RESET, DROP, ADMIN = "accept", "reset", "drop", "admin"
NETUNREACH, HOSTUNREACH, PROTOUNREACH, PORTUNREACH = (
    "netunreach", "hostunreach", "protounreach", "portunreach")
NETPROHIB, HOSTPROHIB = "netprohib", "hostprohib"

# The ICMP destination-unreachable rejects: nftables' name of the type, the
# ICMP code, and nmap's reason for it.
ICMP_REJECTS = {
    NETUNREACH: ("net-unreachable", 0, "net-unreach"),
    HOSTUNREACH: ("host-unreachable", 1, "host-unreach"),
    PROTOUNREACH: ("prot-unreachable", 2, "proto-unreach"),
    PORTUNREACH: ("port-unreachable", 3, "port-unreach"),
    NETPROHIB: ("net-prohibited", 9, "net-prohibited"),
    HOSTPROHIB: ("host-prohibited", 10, "host-prohibited"),
    ADMIN: ("admin-prohibited", 13, "admin-prohibited"),
}
# Their IPv6 forms (see the module docstring): nftables' name of the
# ICMPv6 unreachable (None: the kernel's Parameter Problem, provoked), the
# ICMPv6 type and code, and nmap -6's reason for it.
ICMP6_REJECTS = {
    NETUNREACH: ("no-route", (1, 0), "no-route"),
    HOSTUNREACH: ("addr-unreachable", (1, 3), "host-unreach"),
    PROTOUNREACH: (None, (4, 1), "param-problem"),
    PORTUNREACH: ("port-unreachable", (1, 4), "port-unreach"),
    NETPROHIB: ("policy-fail", (1, 5), "admin-prohibited"),
    HOSTPROHIB: ("reject-route", (1, 6), "reject-route"),
    ADMIN: ("admin-prohibited", (1, 1), "admin-prohibited"),
}
# The Next Header a provoked Parameter Problem's probe is given (unknown to
# Linux), and the first byte (version 6, traffic class < 16) it must have.
PARAMPROB_NEXTHDR = 96
IP6_FIRST_BYTE = 0x60

# Override shares, in per mille of one hashed draw per (host, proto, port),
# taken in this order.  The first three are the lab's original shares and
# stay first, so the hosts and ports they picked never move.
OVERRIDE_SHARES = {
    "tcp": ((RESET, 60), (DROP, 60), (ADMIN, 60), (NETUNREACH, 10),
            (HOSTUNREACH, 10), (PROTOUNREACH, 10), (PORTUNREACH, 10),
            (NETPROHIB, 10), (HOSTPROHIB, 10)),
    "udp": ((RESET, 60), (DROP, 60), (ADMIN, 60), (NETUNREACH, 10),
            (HOSTUNREACH, 10), (PROTOUNREACH, 10), (NETPROHIB, 10),
            (HOSTPROHIB, 10)),
    "ip": ((DROP, 60), (ADMIN, 60), (NETUNREACH, 10), (HOSTUNREACH, 10),
           (PORTUNREACH, 10), (NETPROHIB, 10), (HOSTPROHIB, 10)),
}
# What each protocol's override sets are called in the ruleset.
OVERRIDE_ACTIONS = {p: tuple(a for a, _ in s) for p, s in OVERRIDE_SHARES.items()}
# The same as cumulative bounds, and their total (a draw at or above it
# means no override, the common case).
_OVERRIDE_BOUNDS = {}
for _p, _shares in OVERRIDE_SHARES.items():
    _acc, _bounds = 0, []
    for _a, _n in _shares:
        _acc += _n
        _bounds.append((_acc, _a))
    _OVERRIDE_BOUNDS[_p] = (_acc, tuple(_bounds))

# Probabilities, in per mille of a hashed draw.
LIVE_PERMILLE = 250
FIREWALLED_PERMILLE = 100
FW_OPEN_PERMILLE = 500
RST_WINDOW_PERMILLE = 50
FW_ALWAYS_OPEN = (("tcp", 22),)
# The window the rewritten resets carry (any non-zero value reads "open").
RST_WINDOW = 8192

# IP protocols, for the protocol scan (-sO).  Linux handles ICMP, IGMP (2),
# TCP, UDP, PIM (103, with multicast routing) and UDP-Lite (136) itself; to
# nmap's bare probes of IGMP, PIM and UDP-Lite it says nothing.  Every other
# protocol gets the kernel's ICMP protocol unreachable -- except that a
# loadable module (ipip, sit, gre, esp4, ah4, ipcomp, sctp, dccp, l2tp_ip,
# mpls) would claim some of them on a distribution kernel; the ruleset answers
# those itself with the same ICMP message, so the lab doesn't depend on which
# modules the host has loaded.
KERNEL_SILENT_PROTOCOLS = frozenset((2, 103, 136))
KERNEL_OPTIONAL_PROTOCOLS = (4, 33, 41, 47, 50, 51, 108, 115, 132, 137)
# nmap's -sO probes of TCP and UDP: an ACK to port 80 and an empty datagram
# to port 40125 (DEFAULT_TCP_PROBE_PORT / DEFAULT_UDP_PROBE_PORT in nmap.h).
# Whatever the host does with those two ports decides the protocol's state.
IPSCAN_TCP_PORT = 80
IPSCAN_UDP_PORT = 40125
# IPv6 (-6 -sO): nmap probes ICMPv6 (58) with an echo request; Linux is
# silent to nmap's bare hop-by-hop (0: dropped before any hook), routing
# (43), no-next-header (59), destination options (60), PIM (103) and
# UDP-Lite (136) probes, answers an empty fragment header (44) with a
# Parameter Problem code 0 (an erroneous field: understood), and every other
# protocol, 1 included, with Parameter Problem code 1.  Seen in the lab
# (nmap 7.93 -6 -sO 0-255 of an unfiltered host, kernel 6.18).
ICMP6_PROTO = 58
KERNEL_SILENT_PROTOCOLS6 = frozenset((0, 43, 59, 60, 103, 136))
FRAGMENT_PROTO = 44

# Pinned hosts (index = low 16 bits).  Keep this documented in lab/README.md
# and in the tests: they rely on these.
#   198.19.0.1  live, not firewalled, no overrides: every service open
#   198.19.0.2  live, not firewalled, no overrides
#   198.19.0.3  live, firewalled, only 22/tcp and 80/tcp open
#   198.19.0.4  live, not firewalled, one override of each original kind:
#               22/tcp closed(reset), 80/tcp filtered(drop),
#               443/tcp filtered(admin), 53/udp open|filtered(drop),
#               161/udp filtered(admin), 6379/tcp closed(reset)
#   198.19.0.5  dead
#   198.19.0.10 every ICMP reject on TCP: 21 net-unreach, 22 host-unreach,
#               25 proto-unreach, 53 port-unreach, 80 net-prohibited,
#               110 host-prohibited, 443 admin-prohibited; on UDP:
#               53 net-unreach, 123 host-prohibited, 161 proto-unreach
#   198.19.0.12 resets with a window (-sW open) on 22 (listening), 25 and
#               8080 (closed) and 110 (forged reset); 443/tcp dropped
#   198.19.0.13 IP protocols: 2 admin-prohibited, 4 dropped, 47
#               host-prohibited, 50 net-unreach, 51 net-prohibited,
#               103 port-unreach, 132 host-unreach
#   198.19.0.14 UDP: 53 host-unreach, 123 net-prohibited, 161 admin;
#               80/tcp admin-prohibited (so -sO says 6 filtered)
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
    0x000A: dict(live=True, firewalled=False, overrides={
        ("tcp", 21): NETUNREACH, ("tcp", 22): HOSTUNREACH,
        ("tcp", 25): PROTOUNREACH, ("tcp", 53): PORTUNREACH,
        ("tcp", 80): NETPROHIB, ("tcp", 110): HOSTPROHIB, ("tcp", 443): ADMIN,
        ("udp", 53): NETUNREACH, ("udp", 123): HOSTPROHIB,
        ("udp", 161): PROTOUNREACH}),
    0x000C: dict(live=True, firewalled=False,
                 overrides={("tcp", 110): RESET, ("tcp", 443): DROP},
                 window={22, 25, 110, 8080}),
    0x000D: dict(live=True, firewalled=False, overrides={
        ("ip", 2): ADMIN, ("ip", 4): DROP, ("ip", 47): HOSTPROHIB,
        ("ip", 50): NETUNREACH, ("ip", 51): NETPROHIB,
        ("ip", 103): PORTUNREACH, ("ip", 132): HOSTUNREACH}),
    0x000E: dict(live=True, firewalled=False, overrides={
        ("udp", 53): HOSTUNREACH, ("udp", 123): NETPROHIB,
        ("udp", 161): ADMIN, ("tcp", 80): ADMIN}),
    0x0101: dict(live=True, firewalled=False, overrides={}),
    0xFFFE: dict(live=True, firewalled=False, overrides={}),
}

# Salts that make each decision an independent draw.
_SALT_LIVE, _SALT_FW, _SALT_OVR, _SALT_FWOPEN = 0x1111, 0x2222, 0x3333, 0x4444
_SALT_WINDOW = 0x5555
_PROTO_NUM = {"tcp": 6, "udp": 17, "ip": 0}


def _mix32(x):
    """A 32-bit integer finaliser (xorshift-multiply); cheap and well mixed."""
    x &= 0xFFFFFFFF
    x = ((x ^ (x >> 16)) * 0x7FEB352D) & 0xFFFFFFFF
    x = ((x ^ (x >> 15)) * 0x846CA68B) & 0xFFFFFFFF
    return x ^ (x >> 16)


def _draw(h, salt, proto="tcp", port=0):
    """A deterministic draw in [0, 1000) for one decision about one host.

    Equal to _mix32(_mix32(key) ^ (port * 0x9E3779B1)) % 1000, inlined
    because it runs ~400k times per ruleset."""
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


# ------------------------------------------------------- scans and replies

# What each scan type sends: a SYN; a segment with ACK set (-sA and -sW send
# a bare ACK, -sM a FIN/ACK); one with neither SYN nor ACK (-sN none, -sF FIN,
# -sX FIN/PSH/URG); a UDP datagram; one packet of each IP protocol.  The two
# relayed scans reach the target with a SYN too, not the scanner's own:
# -sI's is spoofed from the idle-scan zombie (RELAYS), -b's is the FTP bounce
# relay's connect() -- and what the target answers goes to them.
PROBE = {"sS": "syn", "sA": "ack", "sW": "ack", "sM": "ack", "sN": "bare",
         "sF": "bare", "sX": "bare", "sI": "syn", "b": "syn", "sU": "udp",
         "sO": "ip"}
SCANS = tuple(PROBE)
TCP_SCANS = tuple(s for s, p in PROBE.items() if p in ("syn", "ack", "bare"))
# The protocol column of each scan type's truth lines.
SCAN_PROTO = {s: ("udp" if s == "sU" else "ip" if s == "sO" else "tcp")
              for s in SCANS}

# What a target sends back (Host.response): one of these, an ICMP reject
# action (ICMP_REJECTS) or None for nothing at all.
SYNACK, RST, RST_WIN, UDP_REPLY, ECHO_REPLY = (
    "syn-ack", "rst", "rst-window", "udp-reply", "echo-reply")
# IPv6 only: Parameter Problem code 0 (the kernel's, to an empty fragment
# header).
PARAM_FIELD = "param-field"

_OPEN_FILTERED = ("open|filtered", "no-response")
_FILTERED = ("filtered", "no-response")
# nmap's reading of each reply, per scan type (ICMP rejects: see verdict()).
_VERDICT = {
    "sS": {SYNACK: ("open", "syn-ack"), RST: ("closed", "reset"),
           RST_WIN: ("closed", "reset"), None: _FILTERED},
    "sA": {RST: ("unfiltered", "reset"), RST_WIN: ("unfiltered", "reset"),
           None: _FILTERED},
    "sW": {RST: ("closed", "reset"), RST_WIN: ("open", "reset"), None: _FILTERED},
    "sU": {UDP_REPLY: ("open", "udp-response"), None: _OPEN_FILTERED},
    "sO": {ECHO_REPLY: ("open", "echo-reply"), RST: ("open", "proto-response"),
           RST_WIN: ("open", "proto-response"), UDP_REPLY: ("open", "proto-response"),
           None: _OPEN_FILTERED},
}
for _s in ("sM", "sN", "sF", "sX"):
    _VERDICT[_s] = {RST: ("closed", "reset"), RST_WIN: ("closed", "reset"),
                    None: _OPEN_FILTERED}


# The relayed scans and what nmap makes of the target's reply (open only
# for a SYN-ACK; the zombie's or the relay's view of anything else):
#   sI: the target's SYN-ACK makes the zombie send a reset, so its IP ID
#       moves; a reset, an ICMP error or nothing leaves it still.
#   b:  vsftpd's connect() succeeds ("150 Here comes the directory
#       listing.", then "226 Directory send OK.") or fails, refused, ICMP-
#       rejected or timed out after its connect_timeout ("425 Failed to
#       establish connection." for all of them); nmap reads 425 as closed and
#       sets no reason, so XML and --reason say "no-response" for both.
#       (vsftpd refuses to connect to a port below 1024 at all: LIST gets
#       "500 OOPS: Illegal port request" and the session ends; no truth.)
RELAYED_VERDICTS = {
    "sI": {SYNACK: ("open", "ipid-change"), None: ("closed|filtered", "no-ipid-change")},
    "b": {SYNACK: ("open", "no-response"), None: ("closed", "no-response")},
}
# Where the relayed scans' helpers are (scripts/lab builds them): the zombie
# with its probe port (nothing listens there), the FTP relay and the lowest
# port its vsftpd connects to.
RELAYS = {"sI": ("198.18.3.10", 80), "b": ("198.18.3.21", 21)}
RELAY_MIN_PORT = 1024

# The routed segment's addresses and the hops a traceroute from the scanner
# (198.18.0.1) finds to each: ps-target (198.18.0.2, which also owns
# 198.18.2.1), the router ps-rtr (198.18.2.2 on its link to the target,
# 198.18.3.1 on the segment), then the host.  A router answers for its own
# addresses itself, from the address asked.
TRACE_HOPS = {
    "198.18.2.1": ("198.18.2.1",),
    "198.18.2.2": ("198.18.0.2", "198.18.2.2"),
    "198.18.3.1": ("198.18.0.2", "198.18.3.1"),
    "198.18.3.10": ("198.18.0.2", "198.18.2.2", "198.18.3.10"),
    "198.18.3.21": ("198.18.0.2", "198.18.2.2", "198.18.3.21"),
}


def verdict(scan, reply):
    """(state, reason) nmap gives a port or protocol after this reply."""
    relayed = RELAYED_VERDICTS.get(scan)
    if relayed is not None:
        return relayed.get(reply, relayed[None])
    if reply in ICMP_REJECTS:
        reason = ICMP_REJECTS[reply][2]
        if scan == "sU" and reply == PORTUNREACH:
            return ("closed", reason)
        if scan == "sO" and reply == PROTOUNREACH:
            return ("closed", reason)
        if scan == "sO" and reply == PORTUNREACH:
            return ("open", reason)  # the protocol is there, the port not
        return ("filtered", reason)
    return _VERDICT[scan][reply]


def verdict6(scan, reply):
    """(state, reason) nmap -6 gives a port or protocol after this reply
    (nmap's ICMPv6 reading, scan_engine_raw.cc; checked in the lab by
    tests/lab/lab_ipv6_truth.sh)."""
    if scan in RELAYED_VERDICTS:
        raise ValueError(f"--scan {scan}: no IPv6 truth (the relays are IPv4 only)")
    if reply == PARAM_FIELD:
        return ("open", "param-problem")
    if reply in ICMP6_REJECTS:
        reason = ICMP6_REJECTS[reply][2]
        if scan == "sU" and reply == PORTUNREACH:
            return ("closed", reason)
        if scan == "sO" and reply == PROTOUNREACH:
            return ("closed", reason)
        if scan == "sO" and reply == PORTUNREACH:
            return ("open", reason)
        return ("filtered", reason)
    if scan == "sO" and reply == ECHO_REPLY:
        return ("open", "proto-response")
    return _VERDICT[scan][reply]


class Host:
    __slots__ = ("h", "live", "firewalled", "overrides", "fw_open", "window")
    family = 4

    listening = LISTENING
    # UDP ports whose service answers an empty datagram (nmap's -PU probe):
    # none of the population's (dnsmasq ignores it).
    udp_answers_empty = frozenset()

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
        self.window = frozenset()
        if not self.live:
            return
        if pinned is not None:
            self.firewalled = pinned["firewalled"]
            self.overrides = dict(pinned["overrides"])
            self.fw_open = frozenset(pinned.get("fw_open", ()))
            self.window = frozenset(pinned.get("window", ()))
            return
        self.firewalled = _draw(h, _SALT_FW) < FIREWALLED_PERMILLE
        for proto, ports in LAB_PORTS.items():
            total, bounds = _OVERRIDE_BOUNDS[proto]
            for port in ports:
                r = _draw(h, _SALT_OVR, proto, port)
                if r >= total:
                    continue
                for bound, act in bounds:
                    if r < bound:
                        self.overrides[(proto, port)] = act
                        break
        self.window = frozenset(
            port for port in LAB_PORTS["tcp"]
            if _draw(h, _SALT_WINDOW, "tcp", port) < RST_WINDOW_PERMILLE)
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
        """What the target's ruleset does with a packet to this port (or,
        proto "ip", to this IP protocol)."""
        if not self.live:
            return DROP
        act = self.overrides.get((proto, port))
        if act is not None:
            return act
        if self.firewalled and (proto, port) not in self.fw_open:
            return DROP
        return ACCEPT

    def response(self, scan, port):
        """What the host sends back to the probe `scan` sends to `port` (to
        IP protocol `port` for sO): SYNACK, RST, RST_WIN, UDP_REPLY,
        ECHO_REPLY, an ICMP reject action, or None."""
        probe = PROBE[scan]
        if probe == "ip":
            return self._ip_response(port)
        proto = "udp" if probe == "udp" else "tcp"
        act = self.action(proto, port)
        if act == DROP:
            return None
        if act in ICMP_REJECTS:
            return act
        if proto == "udp":
            if act == ACCEPT and port in self.listening["udp"]:
                return UDP_REPLY
            return PORTUNREACH  # the kernel's, or the ruleset's "reset"
        # Linux: a listening socket answers a SYN with a SYN-ACK, anything
        # with ACK set with a reset, and ignores a segment with neither; with
        # no socket, every segment but a reset gets a reset.  The ruleset's
        # forged reset answers every segment.  A reset has window 0 unless
        # the ruleset rewrites it.
        if act == ACCEPT and port in self.listening["tcp"]:
            if probe == "syn":
                return SYNACK
            if probe == "bare":
                return None
        return RST_WIN if port in self.window else RST

    def _ip_response(self, proto):
        if not self.live:
            return None
        if proto == 1:  # an echo request; firewalled hosts drop it
            return None if self.firewalled else ECHO_REPLY
        if proto == 6:
            return self.response("sA", IPSCAN_TCP_PORT)
        if proto == 17:
            return self.response("sU", IPSCAN_UDP_PORT)
        act = self.action("ip", proto)
        if act == DROP:
            return None
        if act != ACCEPT:
            return act
        if proto in KERNEL_SILENT_PROTOCOLS:
            return None
        return PROTOUNREACH

    def verdict(self, scan, port):
        """(state, reason) `nmap -Pn -<scan>` reports for this port."""
        return verdict(scan, self.response(scan, port))

    def state(self, proto, port):
        """(state, reason) as `nmap -Pn -sS` / `-sU` reports them."""
        return self.verdict("sS" if proto == "tcp" else "sU", port)


# ---------------------------------------------------------- host discovery

# nmap's host discovery probes (-sn, and the discovery before a port scan),
# spelled as nmap spells the options without the dash: PE (ICMP echo), PP
# (ICMP timestamp), PM (ICMP address mask), PS/PA[ports] (TCP SYN / ACK),
# PU[ports] (UDP), PO[protocols] (bare IP protocols), PR (ARP, on-link
# targets only) and Pn (no discovery: every address is up, "user-set").
# Ports or protocols without a list: nmap's defaults (DEFAULT_TCP_PROBE_PORT
# 80, DEFAULT_UDP_PROBE_PORT 40125, DEFAULT_PROTO_PROBE_PORT_SPEC 1,2,4).
PING_KINDS = ("PE", "PP", "PM", "PS", "PA", "PU", "PO", "PR", "Pn")
PING_PORTED = {"PS": "tcp", "PA": "tcp", "PU": "udp", "PO": "ip"}
PING_DEFAULT_PORTS = {"PS": (80,), "PA": (80,), "PU": (40125,), "PO": (1, 2, 4)}
# What a privileged nmap sends to a routed target when no -P option is given
# (the order nmap's own documentation lists them in); on-link targets get an
# ARP request instead.
DISCOVERY_DEFAULT = (("PE", None), ("PS", 443), ("PA", 80), ("PP", None))

# What the target's kernel does with the ICMP queries that get through (the
# ruleset treats every ICMP message as it treats echo: firewalled hosts drop
# it, other live hosts accept it).  Linux answers echo and timestamp requests
# (there is no sysctl that turns timestamp replies off; only a firewall can)
# and has never answered address mask requests (RFC 1122 leaves it optional).
ICMP_QUERY_REPLY = {"PE": ECHO_REPLY, "PP": "timestamp-reply", "PM": None}

# nmap 7.93's reading of a reply to a discovery probe (get_ping_pcap_result
# in scan_engine_raw.cc, confirmed in the lab by tests/lab/lab_truth_vs_nmap.sh):
# any TCP reply with RST or SYN+ACK, any UDP reply and any ICMP query reply
# proves the host up; of the ICMP destination unreachable errors only
# protocol (2) and port (3) unreachable sent by the target itself do.  The
# other codes (net, host unreachable, net/host/admin prohibited) are "a hint,
# not proof" (RFC 1122): nmap retires the probe that caused them but leaves
# the host's state alone, so another probe's reply can still prove it up,
# and whatever order the replies arrive in, an error never makes a host down.
# nmap 7.93's -PU probe is an EMPTY datagram: it loads nmap-payloads only for
# a UDP port scan (scan_engine.cc: `if (USI.udp_scan) init_payloads()`), so
# its discovery probes carry none, whatever nmap-payloads' header says (with
# --data they carry that).  dnsmasq ignores a datagram too short to be a DNS
# message, so a listening DNS port proves nothing to -PU; the LAN hosts' echo
# listener answers anything.  `udp_payloads=True` models probes that carry
# nmap-payloads' payload (what -sU sends; what nmap's documentation says -PU
# sends): then a listening service answers as it does to -sU.
# -PO counts any packet of the probed protocol as "proto-response", the echo
# reply to its protocol 1 probe too (nmap reads echo replies as such only
# for -PE; with -PE as well, the reply to either may be read as echo-reply,
# which -PE's own entry already allows).
_PING_REASON = {SYNACK: "syn-ack", RST: "reset", RST_WIN: "reset",
                UDP_REPLY: "udp-response", ECHO_REPLY: "echo-reply",
                "timestamp-reply": "timestamp-reply",
                PROTOUNREACH: ICMP_REJECTS[PROTOUNREACH][2],
                PORTUNREACH: ICMP_REJECTS[PORTUNREACH][2]}
_PROTO_PING_REASON = dict(_PING_REASON, **{
    RST: "proto-response", RST_WIN: "proto-response",
    UDP_REPLY: "proto-response", ECHO_REPLY: "proto-response"})


def _ping_reply(host, kind, port, udp_payloads=False):
    """What `host` sends back to one discovery probe (see Host.response)."""
    if kind in ICMP_QUERY_REPLY:
        # Every ICMP message meets the rules echo meets (protocol 1 has no
        # per-host override): _ip_response(1) says whether it gets through.
        if host._ip_response(1) is None:
            return None
        return ICMP_QUERY_REPLY[kind]
    if kind == "PS":
        return host.response("sS", port)
    if kind == "PA":
        return host.response("sA", port)
    if kind == "PU":
        reply = host.response("sU", port)
        if (reply == UDP_REPLY and not udp_payloads
                and port not in host.udp_answers_empty):
            return None
        return reply
    if kind == "PO":
        return host._ip_response(port)
    raise ValueError(f"no reply model for {kind}")


def discovery_reasons(host, probes, arp=True, udp_payloads=False):
    """The reasons nmap may give for finding `host` up with these probes
    (parse_probes' list), one per answering probe, in probe order and
    without repeats; empty if nmap finds it down.  nmap reports the reason of
    whichever proving reply it read first, so with several probes any of them
    may be the one reported; a single-element list is exact.

    On-link (LAN) targets are pinged by ARP whatever the probes, as nmap does
    unless told --disable-arp-ping (arp=False); Pn: up, "user-set".
    udp_payloads: -PU carries nmap-payloads' payload (see above)."""
    kinds = [k for k, _ in probes]
    if "Pn" in kinds:
        return ["user-set"]
    if isinstance(host, LanHost) and arp:
        return ["arp-response"] if host.live else []
    reasons = []
    for kind, port in probes:
        if kind == "PR":
            continue  # ARP reaches only on-link targets (above)
        reply = _ping_reply(host, kind, port, udp_payloads)
        table = _PROTO_PING_REASON if kind == "PO" else _PING_REASON
        why = table.get(reply)
        if why is not None and why not in reasons:
            reasons.append(why)
    return reasons


def all_hosts():
    return [Host(h) for h in range(1 << 16)]


# ------------------------------------------------------------ the LAN

# An on-link segment for the scanner: ps-scan1 (198.18.1.1/24) and one
# namespace per host, joined by a bridge.  Every host is a plain Linux kernel
# with no firewall (ICMP rate limits lifted), listening where the table says
# (lab/lan_listener.py: TCP accepts and closes, UDP echoes); every other
# address of the /24 is unused and never answers ARP.
LAN_NETWORK = ipaddress.IPv4Network("198.18.1.0/24")
LAN_BASE = int(LAN_NETWORK.network_address)
LAN_SCANNER = 1  # 198.18.1.1 is the scanner itself: not a target, no truth
LAN_HOSTS = {
    # index: (TCP listeners, UDP listeners)
    10: ((22, 80), (7,)),
    11: ((22, 443), ()),
    12: ((80, 8080), ()),
    13: ((21, 22, 25), ()),
    20: ((22,), (7,)),
    21: ((443, 8443), ()),
    100: ((80, 443), (7,)),
    254: ((22, 80, 8080), ()),
}
# Each LAN host's TCP/IP stack personality (lab/personalities.py): the
# sysctls scripts/lab sets in its namespace, which OS detection sees.
LAN_PERSONALITY = {
    10: "linux",
    11: "ttl128",
    12: "ttl255",
    13: "no-timestamps",
    20: "no-ecn-sack",
    21: "mss1400",
    100: "small-window",
    254: "ttl128-big",
}
assert LAN_PERSONALITY.keys() == LAN_HOSTS.keys()


def lan_mac(i):
    return f"02:50:53:01:00:{i:02x}"


class LanHost(Host):
    """A LAN address: a plain Linux host if LAN_HOSTS has it, else nobody."""
    __slots__ = ("listening",)

    def __init__(self, i):  # pylint: disable=super-init-not-called
        self.h = i
        self.live = i in LAN_HOSTS
        self.firewalled = False
        self.overrides = {}
        self.fw_open = frozenset()
        self.window = frozenset()
        tcp, udp = LAN_HOSTS.get(i, ((), ()))
        self.listening = {"tcp": frozenset(tcp), "udp": frozenset(udp)}

    @property
    def addr(self):
        return f"198.18.1.{self.h}"

    @property
    def udp_answers_empty(self):
        return self.listening["udp"]  # lan_listener.py echoes anything


# The LAN's IPv6 twin: 2001:db8:0:1::/64 on the same bridge, host N at
# 2001:db8:0:1::N (N as a number), the scanner at 2001:db8:0:1::1.
LAN_NETWORK6 = ipaddress.IPv6Network("2001:db8:0:1::/64")
LAN_BASE6 = int(LAN_NETWORK6.network_address)


def _addr6(base, low):
    """The IPv6 address base + low as nmap prints it (RFC 5952)."""
    if 0 < low < 0x10000:
        return _PREFIX6[base] + f"{low:x}"
    return str(ipaddress.IPv6Address(base + low))


_PREFIX6 = {BASE6: "2001:db8:1::", LAN_BASE6: "2001:db8:0:1::"}


class _V6:
    """What a host says over IPv6 (mixed into Host and LanHost): the same
    decisions, ICMPv6's messages and nmap -6's reading of them."""
    __slots__ = ()
    family = 6

    def _ip_response(self, proto):
        if not self.live:
            return None
        if proto == ICMP6_PROTO:  # an echo request; firewalled hosts drop it
            return None if self.firewalled else ECHO_REPLY
        if proto == 6:
            return self.response("sA", IPSCAN_TCP_PORT)
        if proto == 17:
            return self.response("sU", IPSCAN_UDP_PORT)
        act = self.action("ip", proto)
        if act == DROP:
            return None
        if act != ACCEPT:
            return act
        if proto in KERNEL_SILENT_PROTOCOLS6:
            return None
        if proto == FRAGMENT_PROTO:
            return PARAM_FIELD
        return PROTOUNREACH

    def verdict(self, scan, port):
        return verdict6(scan, self.response(scan, port))


class Host6(_V6, Host):
    """Population host h over IPv6 (2001:db8:1::h); outside the /112 (h of
    2**16 and up, the rest of the target's /64) a dead address."""
    __slots__ = ()

    def __init__(self, h):  # pylint: disable=super-init-not-called
        if h < NETWORK6.num_addresses:
            Host.__init__(self, h)
            return
        self.h = h
        self.live = self.firewalled = False
        self.overrides = {}
        self.fw_open = self.window = frozenset()

    @property
    def addr(self):
        return _addr6(BASE6, self.h)


class LanHost6(_V6, LanHost):
    """LAN address 2001:db8:0:1::i: LAN host i over IPv6, or nobody."""
    __slots__ = ()

    @property
    def addr(self):
        return _addr6(LAN_BASE6, self.h)


def host_at(a):
    """The Host (population or LAN) of integer address a: IPv4, or IPv6
    (an integer of 2**32 and up)."""
    if a >= 1 << 32:
        if BASE6 <= a < BASE6 + ROUTE6.num_addresses:
            return Host6(a - BASE6)
        return LanHost6(a - LAN_BASE6)
    if BASE <= a < BASE + NETWORK.num_addresses:
        return Host(a - BASE)
    return LanHost(a - LAN_BASE)


def to_family6(a):
    """The IPv6 twin of lab address a (itself if it is IPv6)."""
    if a >= 1 << 32:
        return a
    if BASE <= a < BASE + NETWORK.num_addresses:
        return BASE6 + a - BASE
    return LAN_BASE6 + a - LAN_BASE


# ---------------------------------------------------------------- parsing

def parse_ports(spec, bare="tcp"):
    """nmap-style port list: '21,22,80', '1-1024', 'T:21-25,U:53', 'P:1,6'.

    A T:/U:/P: prefix (P: IP protocols, for -sO) applies to its item and
    every following item until the next prefix (as in nmap); items before
    any prefix are `bare` (TCP, or IP protocols for a protocol scan alone).
    Returns {'tcp': sorted list, 'udp': sorted list, 'ip': sorted list}.
    """
    out = {"tcp": set(), "udp": set(), "ip": set()}
    proto = bare
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        if len(item) > 1 and item[1] == ":":
            prefix = item[0].upper()
            if prefix not in "TUP":
                raise ValueError(f"unsupported protocol prefix in {item!r}")
            proto = {"T": "tcp", "U": "udp", "P": "ip"}[prefix]
            item = item[2:]
        top = 255 if proto == "ip" else 65535
        if "-" in item:
            lo, hi = item.split("-", 1)
            lo = int(lo) if lo else (0 if proto == "ip" else 1)
            hi = int(hi) if hi else top
        else:
            lo = hi = int(item)
        if not (0 <= lo <= hi <= top):
            raise ValueError(f"bad {'protocol' if proto == 'ip' else 'port'} "
                             f"range {item!r} (0-{top})")
        out[proto].update(range(lo, hi + 1))
    return {p: sorted(v) for p, v in out.items()}


def parse_scans(spec):
    """'sS', 'sA,sU', 'sO' ... -> list of scan types, TCP first.  nmap allows
    one TCP scan type at a time, plus -sU and -sO."""
    scans = []
    for item in spec.split(","):
        item = item.strip().lstrip("-")
        if item not in PROBE:
            raise ValueError(f"unknown scan type {item!r} (one of {', '.join(SCANS)})")
        if item not in scans:
            scans.append(item)
    if sum(s in TCP_SCANS for s in scans) > 1:
        raise ValueError(f"one TCP scan type at a time, not {spec!r}")
    return sorted(scans, key=SCANS.index)


def parse_probes(spec):
    """Discovery probes in nmap's spelling, the dash optional, separated by
    commas or spaces: 'PE,PP,PS443,PA80', '-PE -PS22,80,443 -PU', 'PS22:80',
    'PO1,2,4', 'default' (nmap's default set), 'Pn'.  A port list follows its
    option as in nmap (commas, ranges 'PS20-25'); ':' separates ports too, and
    a bare number continues the list of the option before it, so 'PS22,80,PE'
    is -PS22,80 -PE.  Returns [(kind, port-or-None)] in order, without
    repeats."""
    out = []
    last = None  # the port-taking option a bare number belongs to
    for token in spec.replace(",", " ").split():
        token = token.lstrip("-")
        if token.lower() == "default":
            out.extend(DISCOVERY_DEFAULT)
            last = None
            continue
        if token[:1].isdigit():
            if last is None:
                raise ValueError(f"{token!r} follows no -PS/-PA/-PU/-PO port list")
            kind, rest = last, token
        else:
            kind, rest = token[:2], token[2:]
            if kind not in PING_KINDS:
                raise ValueError(f"unknown discovery probe {token!r} "
                                 f"(one of {', '.join(PING_KINDS)})")
            if kind not in PING_PORTED:
                if rest:
                    raise ValueError(f"-{kind} takes no ports ({token!r})")
                out.append((kind, None))
                last = None
                continue
            if not rest:
                out.extend((kind, p) for p in PING_DEFAULT_PORTS[kind])
                last = None
                continue
            last = kind
        proto = PING_PORTED[kind]
        for part in rest.split(":"):
            ports = parse_ports(part, bare=proto)[proto]
            if not ports:
                raise ValueError(f"empty port list in {token!r}")
            out.extend((kind, p) for p in ports)
    probes = list(dict.fromkeys(out))
    if not probes:
        raise ValueError(f"no discovery probe in {spec!r}")
    if any(k == "Pn" for k, _ in probes) and len(probes) > 1:
        raise ValueError("Pn (no discovery) does not mix with probes")
    return probes


def parse_targets(spec, family=None):
    """Comma-separated addresses / CIDRs inside 198.19.0.0/16 or the LAN
    198.18.1.0/24, or their IPv6 twins (2001:db8:1::/64, whose /112 is the
    population, and 2001:db8:0:1::/64) -> sorted list of integer
    addresses (IPv6 ones are 2**32 and up).  The scanner's own LAN addresses
    are left out (they have no truth).  family 6 turns IPv4 targets into
    their IPv6 twins; family 4 refuses IPv6 ones."""
    addrs = set()
    scanners = (LAN_BASE + LAN_SCANNER, LAN_BASE6 + LAN_SCANNER)
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        net = ipaddress.ip_network(item, strict=False)
        if net.version == 6:
            if family == 4:
                raise ValueError(f"{item} is IPv6, not --family 4")
            if not (net.subnet_of(ROUTE6) or net.subnet_of(LAN_NETWORK6)):
                raise ValueError(f"{item} is outside the lab's IPv6 networks {ROUTE6} "
                                 f"(population {NETWORK6}) and {LAN_NETWORK6}")
        elif not (net.subnet_of(NETWORK) or net.subnet_of(LAN_NETWORK)):
            raise ValueError(f"{item} is outside the lab networks {NETWORK} "
                             f"and {LAN_NETWORK}")
        if net.num_addresses > MAX_TARGETS:
            raise ValueError(f"{item}: more than {MAX_TARGETS} addresses")
        if net.num_addresses == 1 and int(net.network_address) in scanners:
            raise ValueError(f"{item} is the scanner's own address (ps-scan1): "
                             "no truth for it")
        first = int(net.network_address)
        addrs.update(range(first, first + net.num_addresses))
    addrs.difference_update(scanners)
    if family == 6:
        addrs = {to_family6(a) for a in addrs}
    return sorted(addrs)


def default_targets(args):
    """--targets, or the population of the family asked (IPv4's without)."""
    if args.targets:
        return args.targets
    return str(NETWORK6 if getattr(args, "family", None) == 6 else NETWORK)


def refuse_ipv6(addrs, what):
    if addrs and addrs[-1] >= 1 << 32:
        raise ValueError(f"{what}: no IPv6 truth ({ipaddress.ip_address(addrs[-1])})")


# --------------------------------------------------------------- commands

def os_ports_kernel(host, ports):
    """True if -O on PORTS ({'tcp': [...], 'udp': [...]}) meets only HOST's
    kernel: not firewalled (its closed ports and ICMP answer), and the
    first open and the first closed TCP port of PORTS (the ones nmap's -O
    probes) are answered by the kernel, with no ruleset override and no
    rewritten reset window; PORTS must have both, and a closed UDP port if
    it names UDP ports."""
    if not host.live or host.firewalled:
        return False
    tcp = [(p, host.response("sS", p)) for p in ports["tcp"]]
    opened = next((p for p, r in tcp if r == SYNACK), None)
    closed = next((p for p, r in tcp if r in (RST, RST_WIN)), None)
    if opened is None or closed is None:
        return False
    if ports["udp"] and not any(host.response("sU", p) == PORTUNREACH for p in ports["udp"]):
        return False
    return all(("tcp", p) not in host.overrides and p not in host.window for p in (opened, closed))


def cmd_os_truth(args):
    """`ADDR PERSONALITY ttl=… timestamps=… …` for every live target: the
    sysctls of its stack (lab/personalities.py).  With PORTS, only the
    hosts whose -O on those ports meets nothing but their kernel
    (os_ports_kernel): what nmap -O fingerprints as the kernel itself."""
    addrs = parse_targets(default_targets(args), args.family)
    # (The personalities' TTLs are IPv4's; over IPv6 every host has the
    # kernel's hop limit.)
    refuse_ipv6(addrs, "--os")
    ports = parse_ports(args.ports) if args.ports else None
    out = []
    for a in addrs:
        host = host_at(a)
        if not host.live or (ports is not None and not os_ports_kernel(host, ports)):
            continue
        name = LAN_PERSONALITY[host.h] if isinstance(host, LanHost) else "target"
        out.append(f"{host.addr} {personalities.describe(name)}\n")
    sys.stdout.write("".join(out))
    return 0


def cmd_truth(args):
    if args.discovery is not None:
        return cmd_discovery(args)
    if args.os:
        return cmd_os_truth(args)
    if args.trace:
        return cmd_trace(args)
    if args.dns:
        return cmd_dns_truth(args)
    addrs = parse_targets(default_targets(args), args.family)
    out = sys.stdout
    pick = {"live": lambda x: x.live, "dead": lambda x: not x.live,
            "firewalled": lambda x: x.firewalled}.get(args.hosts)
    if pick is not None:
        out.write("".join(f"{x.addr}\n" for x in map(host_at, addrs) if pick(x)))
        return 0
    if args.ports is None:
        raise ValueError("truth needs a port list (or --live/--dead/--firewalled)")
    if args.scan is None:
        scans = ["sS", "sU"]  # TCP ports as -sS, UDP ports as -sU
        ports = parse_ports(args.ports)
        if ports["ip"]:
            raise ValueError("P: (IP protocols) needs --scan sO")
    else:
        scans = parse_scans(args.scan)
        ports = parse_ports(args.ports, bare="ip" if scans == ["sO"] else "tcp")
        check_relayed(scans, addrs, ports)
    items = [(scan, SCAN_PROTO[scan], port) for scan in scans
             for port in ports[SCAN_PROTO[scan]]]
    dead_tail = {f: [f" {proto} {port} {' '.join(v(scan, None))}\n"
                     for scan, proto, port in items]
                 for f, v in ((4, verdict), (6, verdict6))
                 if f == 4 or (addrs and addrs[-1] >= 1 << 32)}
    chunk = []
    for a in addrs:
        host = host_at(a)
        addr = host.addr
        if not host.live:
            if args.live_only:
                continue
            chunk.extend(addr + tail for tail in dead_tail[host.family])
        else:
            for scan, proto, port in items:
                st, why = host.verdict(scan, port)
                chunk.append(f"{addr} {proto} {port} {st} {why}\n")
        if len(chunk) > 65536:
            out.write("".join(chunk))
            chunk.clear()
    out.write("".join(chunk))
    return 0


def check_relayed(scans, addrs, ports):
    """The relayed scans have a truth only where their helper reaches."""
    for scan in scans:
        if scan not in RELAYS:
            continue
        outside = [a for a in addrs if not BASE <= a < BASE + NETWORK.num_addresses]
        if outside:
            raise ValueError(f"--scan {scan}: the {RELAY_NAME[scan]} reaches only "
                             f"{NETWORK}, not {ipaddress.ip_address(outside[0])}")
    if "b" in scans:
        low = [p for p in ports["tcp"] if p < RELAY_MIN_PORT]
        if low:
            raise ValueError(f"--scan b: the FTP relay (vsftpd) connects to no port "
                             f"below {RELAY_MIN_PORT} (LIST gets \"500 OOPS: Illegal "
                             f"port request\" and the session ends): no truth for {low[0]}")


RELAY_NAME = {"sI": "idle-scan zombie", "b": "FTP bounce relay"}


def cmd_trace(args):
    """`truth --trace [--targets ADDR,…]`: the hops nmap --traceroute finds
    from the scanner, `ADDR hop TTL HOPADDR`, one line per hop."""
    if (args.hosts is not None or args.ports is not None or args.scan is not None
            or args.family == 6):
        raise ValueError("--trace takes only --targets (the routed segment's IPv4 addresses)")
    targets = (args.targets.split(",") if args.targets else list(TRACE_HOPS))
    out = []
    for t in (t.strip() for t in targets):
        if t not in TRACE_HOPS:
            raise ValueError(f"--trace: no trace truth for {t!r} (one of "
                             f"{', '.join(TRACE_HOPS)})")
        out.extend(f"{t} hop {ttl} {hop}\n" for ttl, hop in enumerate(TRACE_HOPS[t], 1))
    sys.stdout.write("".join(out))
    return 0


def cmd_discovery(args):
    """`truth --discovery PROBES [TARGETS]`: one line per target nmap finds
    up, `ADDR up REASON[,REASON…]` (see discovery_reasons)."""
    if args.hosts is not None:
        raise ValueError("--discovery does not combine with --live/--dead/--firewalled")
    # Ports make no sense for discovery: a positional argument is the targets.
    targets = args.ports if args.ports is not None else default_targets(args)
    probes = parse_probes(args.discovery)
    addrs = parse_targets(targets, args.family)
    refuse_ipv6(addrs, "--discovery")
    out = []
    for a in addrs:
        host = host_at(a)
        reasons = discovery_reasons(host, probes, arp=not args.disable_arp_ping,
                                    udp_payloads=args.udp_payloads)
        if reasons:
            out.append(f"{host.addr} up {','.join(reasons)}\n")
    sys.stdout.write("".join(out))
    return 0


def _elements(items):
    items = list(items)
    if not items:
        return ""
    return "\t\telements = {\n\t\t\t" + ",\n\t\t\t".join(items) + "\n\t\t}\n"


def _set_name(proto, act):
    return f"{proto}_{act}"


def _reject(proto, act):
    """The nftables statement that carries out override `act`."""
    if act == DROP:
        return "drop"
    if act == RESET:
        return ("reject with tcp reset" if proto == "tcp"
                else "reject with icmp type port-unreachable")
    return f"reject with icmp type {ICMP_REJECTS[act][0]}"


def kernel_optional_rule():
    """The rule that answers the module-claimable IP protocols as a kernel
    without those modules does (see KERNEL_OPTIONAL_PROTOCOLS)."""
    protos = ", ".join(map(str, KERNEL_OPTIONAL_PROTOCOLS))
    return f"ip protocol {{ {protos} }} reject with icmp type prot-unreachable"


# IPv6 rejects of a bare IP protocol (-sO's "ip" overrides).  Linux's
# nftables reject sends no ICMPv6 error for a packet with nothing after its
# headers (nf_reject_ipv6: reject6_csum_ok wants a transport header), and
# nmap -6 -sO's probes are just that.  So these too go through the kernel's
# Parameter Problem: the probe's Next Header becomes a marker N (unknown to
# Linux, one per action) and its first byte B = 0x60 + P - N (P the
# protocol), and the output chain turns the kernel's Parameter Problem with
# that (B, N) quoted into the destination unreachable of the action, quote
# restored.  B and N change by opposite amounts in the high bytes of two
# 16-bit words, so the quote's ones-complement sum, and the checksum, stay
# right; nftables itself fixes the checksum for the type, code and pointer.
IP_REJECT_MARKERS = {NETUNREACH: 90, HOSTUNREACH: 91, PORTUNREACH: 92,
                     NETPROHIB: 93, HOSTPROHIB: 94, ADMIN: 95}
assert all(IP6_FIRST_BYTE + p - n >= 0 and p != n for n in IP_REJECT_MARKERS.values()
           for p in LAB_PORTS["ip"])


def _ip_marker_byte(proto, act):
    return IP6_FIRST_BYTE + proto - IP_REJECT_MARKERS[act]


def _reject6(proto, act):
    """The nftables statement(s) that carry out override `act` over IPv6
    (ICMP6_REJECTS); a list: a provoked Parameter Problem needs two rules,
    the second for probes whose first byte is not 0x60 (traffic class 16 or
    more), which can't be restored: TCP and UDP ones are dropped, bare
    protocols rejected (which works if they carry a payload)."""
    if act == DROP:
        return ["drop"]
    if act == RESET:
        return ["reject with tcp reset" if proto == "tcp"
                else "reject with icmpv6 type port-unreachable"]
    name = ICMP6_REJECTS[act][0]
    if proto == "ip":
        bytes_ = ", ".join(f"{p} : {_ip_marker_byte(p, act)}" for p in LAB_PORTS["ip"])
        return [f"@nh,0,8 {IP6_FIRST_BYTE:#x} @nh,0,8 set ip6 nexthdr map {{ {bytes_} }} "
                f"@nh,48,8 set {IP_REJECT_MARKERS[act]} accept",
                f"reject with icmpv6 type {name}"]
    if name is not None:
        return [f"reject with icmpv6 type {name}"]
    # The kernel's own Parameter Problem, provoked (module docstring).
    num = _PROTO_NUM[proto]
    return [f"@nh,0,8 {IP6_FIRST_BYTE:#x} @nh,0,8 set {num} "
            f"@nh,48,8 set {PARAMPROB_NEXTHDR} accept", "drop"]


def kernel_optional_rules6():
    """IPv6's answer to the module-claimable protocols: the kernel's
    Parameter Problem code 1, provoked (see _reject6), so the lab does not
    depend on the modules loaded.  The input rules, then the output rules
    that restore the quoted probes: first those of the module-claimable
    protocols, then _reject6's tcp and udp ones."""
    mangle = [f"ip6 nexthdr {p} @nh,0,8 {IP6_FIRST_BYTE:#x} @nh,0,8 set {p} "
              f"@nh,48,8 set {PARAMPROB_NEXTHDR}" for p in KERNEL_OPTIONAL_PROTOCOLS]
    # ICMPv6 header 8 bytes, then the quoted IPv6 header: its first byte at
    # bit 64 of the transport header, its Next Header at bit 112.
    restore = [f"icmpv6 type parameter-problem icmpv6 code 1 @th,64,8 {p} "
               f"@th,112,8 {PARAMPROB_NEXTHDR} @th,64,8 set {IP6_FIRST_BYTE:#x} "
               f"@th,112,8 set {p}" for p in (*KERNEL_OPTIONAL_PROTOCOLS, 6, 17)]
    return mangle, restore


def ip_reject_rules6():
    """The output rules that turn a provoked Parameter Problem into the
    destination unreachable of an "ip" override (see IP_REJECT_MARKERS)."""
    out = []
    for act, marker in IP_REJECT_MARKERS.items():
        code = ICMP6_REJECTS[act][1][1]
        for p in LAB_PORTS["ip"]:
            out.append(f"icmpv6 type parameter-problem icmpv6 code 1 "
                       f"@th,64,8 {_ip_marker_byte(p, act)} @th,112,8 {marker} "
                       f"icmpv6 param-problem set 0 icmpv6 code set {code} "
                       f"icmpv6 type set destination-unreachable "
                       f"@th,64,8 set {IP6_FIRST_BYTE:#x} @th,112,8 set {p}")
    return out


def cmd_nft(args):
    everyone = all_hosts()
    hosts = [h for h in everyone if h.live]
    sets = {_set_name(p, a): [] for p, acts in OVERRIDE_ACTIONS.items() for a in acts}
    fw_open = {"tcp": [], "udp": []}
    firewalled = []
    window = []
    # The same for IPv6: the host's twin address, the same decisions.
    sets6 = {name: [] for name in sets}
    fw_open6 = {"tcp": [], "udp": []}
    firewalled6 = []
    window6 = []
    live6 = []
    for host in hosts:
        a4, a6 = host.addr, _addr6(BASE6, host.h)
        live6.append(a6)
        for (proto, port), act in sorted(host.overrides.items()):
            sets[_set_name(proto, act)].append(f"{a4} . {port}")
            sets6[_set_name(proto, act)].append(f"{a6} . {port}")
        if host.firewalled:
            firewalled.append(a4)
            firewalled6.append(a6)
            for proto, port in sorted(host.fw_open):
                fw_open[proto].append(f"{a4} . {port}")
                fw_open6[proto].append(f"{a6} . {port}")
        window.extend(f"{a4} . {port}" for port in sorted(host.window))
        window6.extend(f"{a6} . {port}" for port in sorted(host.window))

    def addr_set(name, elems, family="ipv4_addr"):
        return (f"\tset {name} {{\n\t\ttype {family}\n"
                f"{_elements(elems)}\t}}\n")

    def pair_set(name, elems, key="inet_service", family="ipv4_addr"):
        return (f"\tset {name} {{\n\t\ttype {family} . {key}\n"
                f"{_elements(elems)}\t}}\n")

    match = {"tcp": "ip daddr . tcp dport", "udp": "ip daddr . udp dport",
             "ip": "ip daddr . ip protocol"}
    rules = "".join(f"\t\t{match[p]} @{_set_name(p, a)} {_reject(p, a)}\n"
                    for p, acts in OVERRIDE_ACTIONS.items() for a in acts)
    match6 = {"tcp": "ip6 daddr . tcp dport", "udp": "ip6 daddr . udp dport",
              "ip": "ip6 daddr . ip6 nexthdr"}
    rules6 = "".join(f"\t\t{match6[p]} @{_set_name(p, a)}6 {stmt}\n"
                     for p, acts in OVERRIDE_ACTIONS.items() for a in acts
                     for stmt in _reject6(p, a))
    mangle6, restore6 = kernel_optional_rules6()
    ifaces = ", ".join(f'"{i}"' for i in args.iface.split(",") if i)
    w = sys.stdout.write
    w("# Generated by lab/population.py nft -- do not edit.\n")
    w("".join(f"# population: {line}\n" for line in summary_lines(everyone)))
    w("table inet portsweep_lab {\n")
    w(addr_set("live", (h.addr for h in hosts)))
    w(addr_set("firewalled", firewalled))
    for name, elems in sets.items():
        w(pair_set(name, elems, "inet_proto" if name.startswith("ip_") else "inet_service"))
    for proto, elems in fw_open.items():
        w(pair_set(f"{proto}_fw_open", elems))
    w(pair_set("tcp_rst_window", window))
    w(addr_set("live6", live6, "ipv6_addr"))
    w(addr_set("firewalled6", firewalled6, "ipv6_addr"))
    for name, elems in sets6.items():
        w(pair_set(name + "6", elems,
                   "inet_proto" if name.startswith("ip_") else "inet_service", "ipv6_addr"))
    for proto, elems in fw_open6.items():
        w(pair_set(f"{proto}_fw_open6", elems, family="ipv6_addr"))
    w(pair_set("tcp_rst_window6", window6, family="ipv6_addr"))
    nl = "\n\t\t"
    # Stateless on purpose: no conntrack, so a 300k pps SYN sweep can't fill a
    # connection table, and every packet gets the same verdict as the truth.
    w(f"""\tchain input {{
\t\ttype filter hook input priority filter; policy accept;
\t\t# Only traffic from outside to the population is shaped (the
\t\t# scanner's, and the routed segment's: the zombie's, the FTP relay's):
\t\t# loopback and the link addresses (198.18.0.0/24) are left alone.
\t\tiifname != {{ {ifaces} }} accept
\t\tmeta nfproto ipv6 jump population6
\t\tmeta nfproto != ipv4 accept
\t\tip daddr != {NETWORK} accept
\t\tip daddr != @live drop
{rules}\t\tip daddr @firewalled jump firewalled
\t\t{kernel_optional_rule()}
\t}}
\tchain firewalled {{
\t\tip daddr . tcp dport @tcp_fw_open accept
\t\tip daddr . udp dport @udp_fw_open accept
\t\tdrop
\t}}
\t# The IPv6 twin: 2001:db8:1::h is host h; the rest of the target's
\t# {ROUTE6} is dead.
\tchain population6 {{
\t\tip6 daddr != {ROUTE6} return
\t\tip6 daddr != @live6 drop
{rules6}\t\tip6 daddr @firewalled6 jump firewalled6
\t\t{nl.join(mangle6)}
\t}}
\tchain firewalled6 {{
\t\tip6 daddr . tcp dport @tcp_fw_open6 accept
\t\tip6 daddr . udp dport @udp_fw_open6 accept
\t\tdrop
\t}}
\t# A Linux reset always has window 0; these get one, so a window scan
\t# (-sW) calls them open.  After the TCP DNS plumbing's output chain
\t# (priority filter), which gives port 53's resets their port back.
\tchain output {{
\t\ttype filter hook output priority filter + 10; policy accept;
\t\tmeta nfproto ipv6 jump output6
\t\tmeta nfproto != ipv4 accept
\t\tip saddr != {NETWORK} accept
\t\ttcp flags & rst == rst ip saddr . tcp sport @tcp_rst_window tcp window set {RST_WINDOW}
\t}}
\t# IPv6: the same window rewrite, and the quoted probe of every provoked
\t# Parameter Problem put back as it came.
\tchain output6 {{
\t\t# An ICMPv6 error about a population address comes from it (the
\t\t# kernel would pick 2001:db8::2: the address is not configured).
\t\tip6 saddr != {NETWORK6} icmpv6 type {{ destination-unreachable, parameter-problem }} @th,256,112 {int(NETWORK6.network_address) >> 16:#x} ip6 saddr set @th,256,128
\t\tip6 saddr != {NETWORK6} return
\t\ttcp flags & rst == rst ip6 saddr . tcp sport @tcp_rst_window6 tcp window set {RST_WINDOW}
\t\ticmpv6 type != parameter-problem return
\t\t{nl.join(restore6 + ip_reject_rules6())}
\t}}
}}
""")
    return 0


def cmd_nft_lan(_args):
    """The ruleset of one LAN host: nothing but the kernel-optional protocols,
    IPv4's answered with a forged protocol unreachable, IPv6's with the
    kernel's own Parameter Problem (kernel_optional_rules6)."""
    mangle6, restore6 = kernel_optional_rules6()
    restore6 = restore6[:-2]  # no TCP or UDP override on the LAN
    nl = "\n\t\t"
    print("# Generated by lab/population.py nft-lan -- do not edit.")
    print("table ip portsweep_lan {\n\tchain input {\n"
          "\t\ttype filter hook input priority filter; policy accept;\n"
          f"\t\t{kernel_optional_rule()}\n\t}}\n}}")
    print("table ip6 portsweep_lan6 {\n\tchain input {\n"
          "\t\ttype filter hook input priority filter; policy accept;\n"
          f"\t\t{nl.join(mangle6)}\n\t}}\n\tchain output {{\n"
          "\t\ttype filter hook output priority filter; policy accept;\n"
          f"\t\t{nl.join(restore6)}\n\t}}\n}}")
    return 0



# ------------------------------------------------------------------- DNS
# The lab's DNS server (dnsmasq in the target namespace, reached at
# DNS_SERVER; scripts/lab points ps-scan's /etc/resolv.conf at it) serves the
# zone lab.test and nothing else: --local=/lab.test/ answers NXDOMAIN for a
# missing name there, and dnsmasq runs with --no-resolv, so no query is ever
# forwarded off the machine.  `truth --dns` prints these records; scripts/lab
# hands them to dnsmasq (`dnsmasq-args`), so the two cannot drift apart.
DNS_SERVER = "198.18.0.2"
# Names with an address each way: A (and AAAA) plus the address's PTR
# (dnsmasq --host-record; the first record of an address names its PTR).
# None: no record of that family (v6.lab.test and lan10.lab.test resolve
# only to IPv6, so a scanner given them must scan IPv6 or nothing).
DNS_HOSTS = (
    ("lab.test", "198.19.0.1", "2001:db8:1::1"),
    ("www.lab.test", "198.19.0.1", "2001:db8:1::1"),
    ("ns.lab.test", "198.19.0.2", "2001:db8:1::2"),
    ("v6.lab.test", None, "2001:db8:1::101"),
    ("lan10.lab.test", None, "2001:db8:0:1::a"),
)
# The reverse zone the server answers for IPv6 (2001:db8::/32).
DNS_REVERSE6 = "8.b.d.0.1.0.0.2.ip6.arpa"
# PTR only (dnsmasq --ptr-record): live hosts with a reverse name.
DNS_PTR_ONLY = (
    ("198.19.0.10", "alpha.lab.test"),
    ("198.19.0.12", "beta.lab.test"),
    ("198.19.0.5", "down.lab.test"),  # a dead host: only -R asks for it
)
# A only (dnsmasq --address): a name whose address has another PTR, and a
# name with two addresses (nmap scans the first, lists the other).
DNS_A_ONLY = (
    ("web.lab.test", ("198.19.0.12",)),
    ("multi.lab.test", ("198.19.0.13", "198.19.0.14")),
)


def dns_ptr_records():
    """{address: PTR name} of every lab address that has one."""
    ptr = {}
    for name, v4, _v6 in DNS_HOSTS:
        if v4:
            ptr.setdefault(v4, name)
    ptr.update(DNS_PTR_ONLY)
    return ptr


def dns_a_records():
    """{name: [addresses]} of every name the lab server resolves (A)."""
    out = {}
    for name, v4, _v6 in DNS_HOSTS:
        if v4:
            out.setdefault(name, []).append(v4)
    for name, addrs in DNS_A_ONLY:
        out.setdefault(name, []).extend(addrs)
    return out


def dns_ptr6_records():
    """{IPv6 address: PTR name}: the first name of each AAAA record."""
    ptr = {}
    for name, _v4, v6 in DNS_HOSTS:
        if v6:
            ptr.setdefault(v6, name)
    return ptr


def dns_aaaa_records():
    """{name: [IPv6 addresses]} of every name with an AAAA record."""
    out = {}
    for name, _v4, v6 in DNS_HOSTS:
        if v6:
            out.setdefault(name, []).append(v6)
    return out


def cmd_dnsmasq_args(_args):
    """dnsmasq's record options, one a line, for scripts/lab."""
    lines = []
    lines.append(f"--local=/{DNS_REVERSE6}/")
    for name, v4, v6 in DNS_HOSTS:
        lines.append(f"--host-record={name}," + ",".join(a for a in (v4, v6) if a))
    for addr, name in DNS_PTR_ONLY:
        rev = ".".join(reversed(addr.split("."))) + ".in-addr.arpa"
        lines.append(f"--ptr-record={rev},{name}")
    for name, addrs in DNS_A_ONLY:
        lines.extend(f"--address=/{name}/{a}" for a in addrs)
    sys.stdout.write("".join(line + "\n" for line in lines))
    return 0


def cmd_dns_truth(args):
    """`ptr ADDR NAME` for the targets' addresses with a PTR record (all of
    them without --targets), then `a NAME ADDR[,ADDR]` for every name; with
    --family 6 the same for IPv6: the IPv6 PTRs and `aaaa NAME ADDR[,ADDR]`."""
    if args.family == 6:
        ptr6 = dns_ptr6_records()
        wanted = None
        if args.targets:
            wanted = {str(ipaddress.ip_address(a)) for a in parse_targets(args.targets, 6)}
        out = [f"ptr {a} {n}\n" for a, n in sorted(ptr6.items(), key=lambda x: ipaddress.ip_address(x[0]))
               if wanted is None or a in wanted]
        out += [f"aaaa {n} {','.join(addrs)}\n" for n, addrs in sorted(dns_aaaa_records().items())]
        sys.stdout.write("".join(out))
        return 0
    ptr = dns_ptr_records()
    wanted = None
    if args.targets:
        wanted = {str(ipaddress.IPv4Address(a)) for a in parse_targets(args.targets, 4)}
    out = [f"ptr {a} {n}\n" for a, n in sorted(ptr.items(), key=lambda x: ipaddress.IPv4Address(x[0]))
           if wanted is None or a in wanted]
    out += [f"a {n} {','.join(addrs)}\n" for n, addrs in sorted(dns_a_records().items())]
    sys.stdout.write("".join(out))
    return 0


def cmd_lan(_args):
    """One line per LAN host for scripts/lab: INDEX ADDR MAC TCP UDP
    (port lists comma-separated, '-' when empty)."""
    for i, (tcp, udp) in sorted(LAN_HOSTS.items()):
        print(i, f"198.18.1.{i}", lan_mac(i), ",".join(map(str, tcp)) or "-",
              ",".join(map(str, udp)) or "-")
    return 0


def cmd_lan_sysctls(_args):
    """One line per LAN host for scripts/lab: INDEX ADVMSS (the connected
    route's advmss metric, '-' for the MTU's), then the sysctls of its
    personality as shell-quoted `sysctl -w` arguments (none: the defaults)."""
    for i in sorted(LAN_HOSTS):
        name = LAN_PERSONALITY[i]
        values = personalities.changed_sysctls(name)
        print(i, personalities.advmss(name) or "-",
              *(shlex.quote(f"{k}={v}") for k, v in sorted(values.items())))
    return 0


def summary_lines(hosts):
    live = [h for h in hosts if h.live]
    fw = [h for h in live if h.firewalled]
    counts = {p: dict.fromkeys(acts, 0) for p, acts in OVERRIDE_ACTIONS.items()}
    for host in live:
        for (proto, _), act in host.overrides.items():
            counts[proto][act] += 1
    window = sum(len(h.window) for h in live)

    def line(proto, what):
        pairs = len(live) * len(LAB_PORTS[proto])
        return (f"{what} overrides over {pairs} live pairs: " +
                " ".join(f"{a} {n}" for a, n in counts[proto].items()))
    return [f"hosts {len(hosts)} live {len(live)} dead {len(hosts) - len(live)} "
            f"firewalled {len(fw)}",
            line("tcp", "tcp lab-port"), line("udp", "udp lab-port"),
            line("ip", "ip-protocol"),
            f"tcp resets with a window: {window} (host, lab port) pairs"]


def cmd_summary(_args):
    print("\n".join(summary_lines(all_hosts())))
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("truth", help="expected state of every (addr, proto, port)")
    t.add_argument("--targets",
                   help="comma-separated addresses/CIDRs in the class-B or the "
                   "LAN, or their IPv6 twins (default: the class-B)")
    t.add_argument("--family", type=int, choices=(4, 6),
                   help="6: the IPv6 twins of the targets (IPv4 ones translated: "
                   "198.19.x.y -> 2001:db8:1::h, 198.18.1.N -> 2001:db8:0:1::N; "
                   "default targets 2001:db8:1::/112); 4: refuse IPv6 targets.  "
                   "Without it, targets are taken as given")
    t.add_argument("--scan", metavar="TYPE[,TYPE]",
                   help=f"nmap scan type(s): {', '.join(SCANS)} (default: TCP "
                   "ports as sS, UDP ports as sU)")
    t.add_argument("--live", dest="hosts", action="store_const", const="live",
                   help="print only the addresses of the live hosts")
    t.add_argument("--dead", dest="hosts", action="store_const", const="dead",
                   help="print only the addresses of the dead hosts")
    t.add_argument("--firewalled", dest="hosts", action="store_const",
                   const="firewalled",
                   help="print only the addresses of the firewalled hosts")
    t.add_argument("--trace", action="store_true",
                   help="the hops nmap --traceroute finds to the routed segment's "
                   "hosts (default: all of them), ADDR hop TTL HOPADDR")
    t.add_argument("--dns", action="store_true",
                   help="the lab DNS server's records: 'ptr ADDR NAME' for the "
                   "targets with a PTR (default: all), then 'a NAME ADDR[,ADDR]'")
    t.add_argument("--os", action="store_true",
                   help="each live target's TCP/IP stack personality: its name and "
                   "sysctls (lab/personalities.py); with PORTS, only the hosts -O on "
                   "those ports fingerprints as the bare kernel")
    t.add_argument("--live-only", action="store_true",
                   help="omit the lines of dead hosts")
    t.add_argument("--discovery", metavar="PROBES",
                   help="host discovery instead of ports: the targets nmap -sn "
                   "with these probes finds up, and why (PE,PP,PM,PS[ports],"
                   "PA[ports],PU[ports],PO[protocols],PR,Pn or 'default'); "
                   "TARGETS may then be given in place of PORTS")
    t.add_argument("--disable-arp-ping", action="store_true",
                   help="with --discovery: LAN targets get the probes, not ARP")
    t.add_argument("--udp-payloads", action="store_true",
                   help="with --discovery: -PU probes carry nmap-payloads' payload "
                   "(nmap 7.93 -sn sends them empty)")
    t.add_argument("ports", nargs="?",
                   help="nmap-style: 21,22 1-1024 T:21,U:53 (sO: protocols, P:); "
                   "with --discovery: the targets")
    n = sub.add_parser("nft", help="print the target namespace's nftables ruleset")
    n.add_argument("--iface", default="ps-tgt0,ps-tgt1",
                   help="comma-separated interfaces whose traffic is judged")
    sub.add_parser("nft-lan", help="print a LAN host's nftables ruleset")
    sub.add_parser("lan", help="the LAN hosts, for scripts/lab")
    sub.add_parser("lan-sysctls", help="the LAN hosts' personality sysctls, for scripts/lab")
    sub.add_parser("summary", help="population counts")
    sub.add_parser("dnsmasq-args", help="the lab DNS server's records as dnsmasq options")
    args = ap.parse_args(argv)
    try:
        return {"truth": cmd_truth, "nft": cmd_nft, "nft-lan": cmd_nft_lan,
                "lan": cmd_lan, "lan-sysctls": cmd_lan_sysctls, "summary": cmd_summary,
                "dnsmasq-args": cmd_dnsmasq_args}[args.cmd](args)
    except ValueError as e:
        print(f"population.py: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
