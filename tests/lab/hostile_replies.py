#!/usr/bin/env python3
"""A hostile network for the lab: forged replies to a portsweep sweep.

Runs in the target's namespace (ip netns exec ps-target ...) on its end of
the veth (ps-tgt0). It reads the scanner's probes off the wire, a random
sample of them (a classic BPF filter drops the rest in the kernel), and for
each one sends the scanner a burst of replies it must not believe:

  wrong-cookie   a SYN-ACK or RST (-sS), a UDP datagram (-sU) that answers
                 the probe with a cookie off by a little
  bad-checksum   the right cookie, but the IP header's, the TCP/UDP or the
                 ICMP checksum is damaged (never into the one value a sender
                 on the scanner's host leaves for offload: see damaged());
                 among them "oversized" ones with 100+ bytes of payload,
                 still inside the capture
  malformed      the right cookie, but the frame is shorter on the wire than
                 its IP header says, or cut inside its TCP header, or a UDP
                 length past the datagram
  never-sent     ICMP errors quoting probes that were never sent (a cookie
                 that is not ours, a source port or IP id we did not use)
  outside        replies and ICMP errors from addresses outside the targets
  oversized      1200 bytes of payload and a wrong cookie: cut short by the
                 scanner's capture, so unchecked, and rejected by the cookie
and copies of the target's own replies (sampled the same way, as they leave
ps-tgt0): duplicates.

Each forged frame claims a state the truth may not have (SYN-ACK and RST,
open UDP and port-unreachable), so any that were believed would show up as
a difference from the truth or in the counters. Frames are built by hand
(Ethernet, IPv4, TCP/UDP/ICMP, RFC 1071 checksums) and sent through a packet
socket, so the kernel fills in nothing.

It stops when no probe has been seen for --idle seconds (the sweep is over:
keep it shorter than the scanner's --wait, so every forged frame lands while
the scanner still listens) or after --limit seconds, and writes what it sent
as JSON to --stats.
"""
import argparse
import ctypes
import json
import os
import random
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SO_ATTACH_FILTER = 26
PACKET_HOST = 0
PACKET_OUTGOING = 4

OUTSIDE = "198.18.200."  # inside the lab's range, outside every target set the tests use


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip_header(src, dst, proto, payload_len, total=None, ident=None, ttl=64, bad=False):
    total = 20 + payload_len if total is None else total
    ident = random.getrandbits(16) if ident is None else ident
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, ident, 0x4000, ttl, proto, 0, src, dst)
    c = csum(h)
    if bad:
        c ^= 0x0101
    return h[:10] + struct.pack("!H", c) + h[12:]


def l4_checksum(src, dst, proto, seg):
    pseudo = src + dst + struct.pack("!BBH", 0, proto, len(seg))
    c = csum(pseudo + seg)
    return 0xFFFF if (proto == 17 and c == 0) else c


def damaged(c, src, dst, proto, length, flip):
    """A wrong TCP/UDP checksum. Never the pseudo-header sum alone: that is
    what a sender on the scanner's host leaves for checksum offload, which the
    scanner reads unchecked (1 in 65536 damaged sums would hit it); for UDP
    never 0 either, which says "no checksum"."""
    offload = ~csum(src + dst + struct.pack("!BBH", 0, proto, length)) & 0xFFFF
    right, c = c, c ^ flip
    while c in (right, offload) or (proto == 17 and c in (0, 0xFFFF)):
        c = (c + 1) & 0xFFFF
    return c


def tcp_segment(src, dst, sport, dport, seq, ack, flags, payload=b"", bad=False):
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 0x50, flags, 29200, 0, 0)
    seg += payload
    c = l4_checksum(src, dst, 6, seg)
    if bad:
        c = damaged(c, src, dst, 6, len(seg), 0x0040)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def udp_datagram(src, dst, sport, dport, payload, bad=False, length=None):
    length = 8 + len(payload) if length is None else length
    seg = struct.pack("!HHHH", sport, dport, length, 0) + payload
    c = l4_checksum(src, dst, 17, seg) if length == 8 + len(payload) else 0x1234
    if bad:
        c = damaged(c, src, dst, 17, len(seg), 0x0202)
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def icmp_error(type_, code, quote, bad=False):
    body = struct.pack("!BBHI", type_, code, 0, 0) + quote
    c = csum(body)
    if bad:
        c ^= 0x0808
    return body[:2] + struct.pack("!H", c) + body[4:]


def quote_of(src, dst, proto, ident, l4_first8, total):
    """The datagram an ICMP error quotes: its IP header and 8 L4 bytes."""
    return ip_header(src, dst, proto, 0, total=total, ident=ident) + l4_first8


class Flood:
    def __init__(self, sock, scanner, stats):
        self.sock = sock
        self.scanner = socket.inet_aton(scanner)
        self.stats = stats
        self.lo_port = None  # the scanner's source ports seen so far
        self.hi_port = None

    def send(self, kind, frame):
        self.sock.send(frame)
        self.stats[kind] = self.stats.get(kind, 0) + 1

    def other_source_port(self, sport):
        """A source port the scanner uses, other than sport: the cookie's port
        for a UDP probe is one of a window, and a neighbour seen in use is in it."""
        if self.lo_port is None or self.lo_port == self.hi_port:
            return None
        return sport + 1 if sport + 1 <= self.hi_port else sport - 1

    def outside(self):
        return socket.inet_aton(OUTSIDE + str(random.randint(1, 254)))

    def tcp_probe(self, eth, ip, l4):
        us, target = ip[12:16], ip[16:20]
        sport, dport, seq = struct.unpack("!HHI", l4[:8])
        if l4[13] & 0x02 == 0:
            return  # -sS only: a SYN
        mine = eth[6:12] + eth[0:6] + b"\x08\x00"  # back to the scanner's MAC, from ours

        def reply(src, seg, bad_ip=False, total=None, cut=None):
            frame = mine + ip_header(src, us, 6, len(seg), total=total, bad=bad_ip) + seg
            return frame if cut is None else frame[:cut]

        synack, rstack = 0x12, 0x14
        # Wrong cookies.
        self.send("wrong-cookie", reply(target, tcp_segment(target, us, dport, sport, 1, seq + 1 + random.randint(1, 1 << 30), synack)))
        self.send("wrong-cookie", reply(target, tcp_segment(target, us, dport, sport, 0, seq + 2, rstack)))
        # The right cookie, damaged.
        self.send("bad-checksum", reply(target, tcp_segment(target, us, dport, sport, 1, seq + 1, synack), bad_ip=True))
        self.send("bad-checksum", reply(target, tcp_segment(target, us, dport, sport, 1, seq + 1, synack, bad=True)))
        self.send("bad-checksum", reply(target, tcp_segment(target, us, dport, sport, 0, seq + 1, rstack, bad=True)))
        self.send("bad-checksum", reply(target, tcp_segment(target, us, dport, sport, 1, seq + 1, synack, os.urandom(110), bad=True)))
        # The right cookie, broken: shorter on the wire than the IP header says,
        # or cut inside the TCP header.
        seg = tcp_segment(target, us, dport, sport, 1, seq + 1, synack)
        self.send("malformed", reply(target, seg, total=20 + len(seg) + 60))
        self.send("malformed", reply(target, seg, cut=14 + 20 + 10))
        # ICMP errors quoting probes never sent: a sequence number that is not
        # our cookie, a port we never probed.
        def icmp_reply(src, body):
            return mine + ip_header(src, us, 1, len(body)) + body

        q = quote_of(us, target, 6, random.getrandbits(16), struct.pack("!HHI", sport, dport, seq ^ 0x5EED5EED), 44)
        self.send("never-sent", icmp_reply(target, icmp_error(3, 3, q)))
        q = quote_of(us, target, 6, random.getrandbits(16), struct.pack("!HHI", sport, 9, random.getrandbits(32)), 44)
        self.send("never-sent", icmp_reply(target, icmp_error(3, 13, q)))
        # The real probe quoted, the ICMP checksum damaged.
        self.send("bad-checksum", icmp_reply(target, icmp_error(3, 3, ip[:20] + l4[:8], bad=True)))
        # From outside the targets: a SYN-ACK carrying this probe's cookie, and
        # an ICMP error quoting a probe to an address we never scan.
        far = self.outside()
        self.send("outside", reply(far, tcp_segment(far, us, dport, sport, 1, seq + 1, synack)))
        q = quote_of(us, self.outside(), 6, random.getrandbits(16), struct.pack("!HHI", sport, dport, seq), 44)
        self.send("outside", icmp_reply(far, icmp_error(3, 1, q)))
        # Oversized: past the scanner's capture, with a wrong cookie.
        self.send("oversized", reply(target, tcp_segment(target, us, dport, sport, 1, seq + 3, synack, os.urandom(1200))))

    def udp_probe(self, eth, ip, l4):
        us, target = ip[12:16], ip[16:20]
        ident = struct.unpack("!H", ip[4:6])[0]
        sport, dport = struct.unpack("!HH", l4[:4])
        mine = eth[6:12] + eth[0:6] + b"\x08\x00"
        other = self.other_source_port(sport)

        def udp_reply(src, seg, bad_ip=False, total=None):
            return mine + ip_header(src, us, 17, len(seg), total=total, bad=bad_ip) + seg

        def icmp_reply(src, body):
            return mine + ip_header(src, us, 1, len(body)) + body

        answer = b"\x12\x34\x81\x80" + os.urandom(24)
        if other is not None:
            self.send("wrong-cookie", udp_reply(target, udp_datagram(target, us, dport, other, answer)))
        # The right cookie, damaged.
        self.send("bad-checksum", udp_reply(target, udp_datagram(target, us, dport, sport, answer, bad=True)))
        self.send("bad-checksum", udp_reply(target, udp_datagram(target, us, dport, sport, answer), bad_ip=True))
        self.send("bad-checksum", udp_reply(target, udp_datagram(target, us, dport, sport, os.urandom(120), bad=True)))
        q = ip[:20] + l4[:8]
        self.send("bad-checksum", icmp_reply(target, icmp_error(3, 3, q, bad=True)))
        # The right cookie, broken.
        seg = udp_datagram(target, us, dport, sport, answer)
        self.send("malformed", udp_reply(target, seg, total=20 + len(seg) + 50))
        self.send("malformed", udp_reply(target, udp_datagram(target, us, dport, sport, answer, length=8 + len(answer) + 40)))
        # ICMP errors quoting datagrams never sent: an IP id or a source port
        # that is not the cookie's.
        q = ip[:4] + struct.pack("!H", ident ^ 0x5A5A) + ip[6:20] + l4[:8]
        self.send("never-sent", icmp_reply(target, icmp_error(3, 3, q)))
        if other is not None:
            q = ip[:20] + struct.pack("!H", other) + l4[2:8]
            self.send("never-sent", icmp_reply(target, icmp_error(3, 13, q)))
        # From outside the targets: an ICMP error quoting a datagram to an
        # address we never scan.
        q = quote_of(us, self.outside(), 17, ident, struct.pack("!HHHH", sport, dport, 8, 0), 28)
        self.send("outside", icmp_reply(self.outside(), icmp_error(3, 1, q)))
        # Oversized, past the capture, to a port that is not the cookie's.
        if other is not None:
            self.send("oversized", udp_reply(target, udp_datagram(target, us, dport, other, os.urandom(1200))))

    def frame(self, data, pkttype):
        if len(data) < 34 or data[12:14] != b"\x08\x00" or data[14] != 0x45:
            return False
        ip = data[14:34]
        l4 = data[34:]
        if pkttype == PACKET_HOST and ip[12:16] == self.scanner:
            if len(l4) < 8:
                return False
            sport = struct.unpack("!H", l4[:2])[0]
            self.lo_port = sport if self.lo_port is None else min(self.lo_port, sport)
            self.hi_port = sport if self.hi_port is None else max(self.hi_port, sport)
            self.stats["probes-sampled"] = self.stats.get("probes-sampled", 0) + 1
            if ip[9] == 6 and len(l4) >= 20:
                self.tcp_probe(data[:14], ip, l4)
            elif ip[9] == 17:
                self.udp_probe(data[:14], ip, l4)
            return True
        if pkttype == PACKET_OUTGOING and ip[16:20] == self.scanner:
            # The target's own reply: two more copies of it.
            self.send("duplicate", data)
            self.send("duplicate", data)
        return False


def sampling_filter(one_in):
    """Classic BPF: IPv4 frames only, a random one in `one_in` (a power of 2)."""
    ld_h, ld_w, jeq, and_, ret = 0x28, 0x20, 0x15, 0x54, 0x06
    skf_ad_random = (-0x1000 + 56) & 0xFFFFFFFF
    prog = [
        (ld_h, 0, 0, 12),
        (jeq, 0, 4, 0x0800),
        (ld_w, 0, 0, skf_ad_random),
        (and_, 0, 0, one_in - 1),
        (jeq, 0, 1, 0),
        (ret, 0, 0, 0x40000),
        (ret, 0, 0, 0),
    ]
    raw = b"".join(struct.pack("HBBI", *insn) for insn in prog)
    buf = ctypes.create_string_buffer(raw)
    fprog = struct.pack("HL", len(prog), ctypes.addressof(buf))
    return fprog, buf


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iface", default="ps-tgt0")
    ap.add_argument("--scanner", default="198.18.0.1")
    ap.add_argument("--one-in", type=int, default=32, help="sample one frame in N (a power of 2)")
    ap.add_argument("--idle", type=float, default=1.0, help="stop after this long without a probe")
    ap.add_argument("--limit", type=float, default=60.0, help="stop after this long in any case")
    ap.add_argument("--ready", help="file to create once the socket listens")
    ap.add_argument("--stats", required=True)
    args = ap.parse_args()
    if args.one_in < 1 or args.one_in & (args.one_in - 1):
        sys.exit("--one-in must be a power of 2")

    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    fprog, keep = sampling_filter(args.one_in)
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, fprog)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind((args.iface, ETH_P_ALL))
    sock.settimeout(0.05)
    stats = {}
    flood = Flood(sock, args.scanner, stats)
    if args.ready:
        open(args.ready, "w").close()

    start = time.monotonic()
    last_probe = None
    while True:
        now = time.monotonic()
        if now - start > args.limit or (last_probe is not None and now - last_probe > args.idle):
            break
        try:
            data, addr = sock.recvfrom(65535)
        except socket.timeout:
            continue
        if flood.frame(data, addr[2]):
            last_probe = time.monotonic()
    del keep
    stats["seconds"] = round(time.monotonic() - start, 2)
    with open(args.stats, "w") as f:
        json.dump(stats, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
