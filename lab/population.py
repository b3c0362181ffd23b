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

IPv6 (2001:db8:1::/64) is not part of the population: every address there is
live and behaves like an unfiltered host.

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


class Host:
    __slots__ = ("h", "live", "firewalled", "overrides", "fw_open", "window")

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


def host_at(a):
    """The Host (population or LAN) of integer IPv4 address a."""
    if BASE <= a < BASE + NETWORK.num_addresses:
        return Host(a - BASE)
    return LanHost(a - LAN_BASE)


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


def parse_targets(spec):
    """Comma-separated addresses / CIDRs inside 198.19.0.0/16 or the LAN
    198.18.1.0/24 -> sorted list of integer addresses.  The scanner's own
    LAN address is left out (it has no truth)."""
    addrs = set()
    scanner = LAN_BASE + LAN_SCANNER
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        net = ipaddress.IPv4Network(item, strict=False)
        if not (net.subnet_of(NETWORK) or net.subnet_of(LAN_NETWORK)):
            raise ValueError(f"{item} is outside the lab networks {NETWORK} "
                             f"and {LAN_NETWORK}")
        if net.num_addresses == 1 and int(net.network_address) == scanner:
            raise ValueError(f"{item} is the scanner's own address (ps-scan1): "
                             "no truth for it")
        first = int(net.network_address)
        addrs.update(range(first, first + net.num_addresses))
    addrs.discard(scanner)
    return sorted(addrs)


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
    addrs = parse_targets(args.targets or str(NETWORK))
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
    addrs = parse_targets(args.targets or str(NETWORK))
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
    dead_tail = [f" {proto} {port} {' '.join(verdict(scan, None))}\n"
                 for scan, proto, port in items]
    chunk = []
    for a in addrs:
        host = host_at(a)
        addr = host.addr
        if not host.live:
            if args.live_only:
                continue
            chunk.extend(addr + tail for tail in dead_tail)
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
                             f"{NETWORK}, not {ipaddress.IPv4Address(outside[0])}")
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
    if args.hosts is not None or args.ports is not None or args.scan is not None:
        raise ValueError("--trace takes only --targets (the routed segment's addresses)")
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
    targets = args.ports if args.ports is not None else (args.targets or str(NETWORK))
    probes = parse_probes(args.discovery)
    out = []
    for a in parse_targets(targets):
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


def cmd_nft(args):
    everyone = all_hosts()
    hosts = [h for h in everyone if h.live]
    sets = {_set_name(p, a): [] for p, acts in OVERRIDE_ACTIONS.items() for a in acts}
    fw_open = {"tcp": [], "udp": []}
    firewalled = []
    window = []
    for host in hosts:
        for (proto, port), act in sorted(host.overrides.items()):
            sets[_set_name(proto, act)].append(f"{host.addr} . {port}")
        if host.firewalled:
            firewalled.append(host.addr)
            for proto, port in sorted(host.fw_open):
                fw_open[proto].append(f"{host.addr} . {port}")
        window.extend(f"{host.addr} . {port}" for port in sorted(host.window))

    def addr_set(name, elems):
        return (f"\tset {name} {{\n\t\ttype ipv4_addr\n"
                f"{_elements(elems)}\t}}\n")

    def pair_set(name, elems, key="inet_service"):
        return (f"\tset {name} {{\n\t\ttype ipv4_addr . {key}\n"
                f"{_elements(elems)}\t}}\n")

    match = {"tcp": "ip daddr . tcp dport", "udp": "ip daddr . udp dport",
             "ip": "ip daddr . ip protocol"}
    rules = "".join(f"\t\t{match[p]} @{_set_name(p, a)} {_reject(p, a)}\n"
                    for p, acts in OVERRIDE_ACTIONS.items() for a in acts)
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
    # Stateless on purpose: no conntrack, so a 300k pps SYN sweep can't fill a
    # connection table, and every packet gets the same verdict as the truth.
    w(f"""\tchain input {{
\t\ttype filter hook input priority filter; policy accept;
\t\t# Only traffic from outside to the population is shaped (the
\t\t# scanner's, and the routed segment's: the zombie's, the FTP relay's):
\t\t# loopback and the link addresses (198.18.0.0/24) are left alone.
\t\tiifname != {{ {ifaces} }} accept
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
\t# A Linux reset always has window 0; these get one, so a window scan
\t# (-sW) calls them open.  After the TCP DNS plumbing's output chain
\t# (priority filter), which gives port 53's resets their port back.
\tchain output {{
\t\ttype filter hook output priority filter + 10; policy accept;
\t\tmeta nfproto != ipv4 accept
\t\tip saddr != {NETWORK} accept
\t\ttcp flags & rst == rst ip saddr . tcp sport @tcp_rst_window tcp window set {RST_WINDOW}
\t}}
}}
""")
    return 0


def cmd_nft_lan(_args):
    """The ruleset of one LAN host: nothing but the kernel-optional protocols."""
    print("# Generated by lab/population.py nft-lan -- do not edit.")
    print("table ip portsweep_lan {\n\tchain input {\n"
          "\t\ttype filter hook input priority filter; policy accept;\n"
          f"\t\t{kernel_optional_rule()}\n\t}}\n}}")
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
DNS_HOSTS = (
    ("lab.test", "198.19.0.1", "2001:db8:1::1"),
    ("www.lab.test", "198.19.0.1", "2001:db8:1::1"),
    ("ns.lab.test", "198.19.0.2", None),
)
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
        ptr.setdefault(v4, name)
    ptr.update(DNS_PTR_ONLY)
    return ptr


def dns_a_records():
    """{name: [addresses]} of every name the lab server resolves."""
    out = {}
    for name, v4, _v6 in DNS_HOSTS:
        out.setdefault(name, []).append(v4)
    for name, addrs in DNS_A_ONLY:
        out.setdefault(name, []).extend(addrs)
    return out


def cmd_dnsmasq_args(_args):
    """dnsmasq's record options, one a line, for scripts/lab."""
    lines = []
    for name, v4, v6 in DNS_HOSTS:
        lines.append(f"--host-record={name},{v4}" + (f",{v6}" if v6 else ""))
    for addr, name in DNS_PTR_ONLY:
        rev = ".".join(reversed(addr.split("."))) + ".in-addr.arpa"
        lines.append(f"--ptr-record={rev},{name}")
    for name, addrs in DNS_A_ONLY:
        lines.extend(f"--address=/{name}/{a}" for a in addrs)
    sys.stdout.write("".join(line + "\n" for line in lines))
    return 0


def cmd_dns_truth(args):
    """`ptr ADDR NAME` for the targets' addresses with a PTR record (all of
    them without --targets), then `a NAME ADDR[,ADDR]` for every name."""
    ptr = dns_ptr_records()
    wanted = None
    if args.targets:
        wanted = {str(ipaddress.IPv4Address(a)) for a in parse_targets(args.targets)}
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
                   "LAN (default: the class-B)")
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
