#!/usr/bin/env python3
"""Turns a lab capture of one `nmap -O` run into a small text fixture.

usage: pcap_to_fixture.py CAPTURE.pcap NMAP_OUTPUT.txt TARGET OUT.txt

CAPTURE is tcpdump's Ethernet capture in the scanner namespace (host TARGET)
while `nmap -n -Pn -O -d -p OPEN,CLOSED TARGET` ran; NMAP_OUTPUT is that
run's normal output. The fixture keeps only nmap's first OS detection try:
each probe's datagram as sent (its last send within the try) and the first
reply to it, with capture times in microseconds, as hex; then the "OS:"
block and the host lines nmap printed. nmap's printed fingerprint merges its
tries, and for each line it keeps the first try's (when later tries produce
a line with the same tests), so try 1 is what its lines came from.

Probe identification follows nmap 7.93's layout: the six SEQ SYNs go out
from tcpPortBase+0..5 (the first with window 1), ECN from +12, T2-T7 from
+14..+19; U1 is the UDP datagram with 300 bytes of payload; IE1 the echo
request with code 9, IE2 the one with its id + 1. A new try starts with the
next window-1 SYN that carries another sequence number. The resets the
scanner's kernel sends to the SYN-ACKs are not probes and are skipped.
"""
import struct
import sys


def read_pcap(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    if magic == 0xa1b2c3d4:
        endian, nano = '<', False
    elif magic == 0xa1b23c4d:
        endian, nano = '<', True
    else:
        sys.exit(f'{path}: not a little-endian pcap file (magic {magic:#x})')
    linktype = struct.unpack(endian + 'I', data[20:24])[0]
    if linktype != 1:
        sys.exit(f'{path}: link type {linktype}, expected Ethernet (1)')
    off = 24
    while off + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack(endian + 'IIII', data[off:off + 16])
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        us = sec * 1000000 + (frac // 1000 if nano else frac)
        if len(frame) < 34 or frame[12:14] != b'\x08\x00':
            continue
        yield us, frame[6:12], frame[14:]


def ip4(s):
    return bytes(int(x) for x in s.split('.'))


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    cap, nmap_out, target, out = sys.argv[1:]
    tgt = ip4(target)
    packets = []
    for us, src_mac, ip in read_pcap(cap):
        total = struct.unpack('!H', ip[2:4])[0]
        ip = ip[:total]
        packets.append((us, src_mac, ip))

    def l4(ip):
        return ip[(ip[0] & 15) * 4:]

    # Try 1: from the first window-1 SYN to the next one with another seq.
    start = base = seq_base = None
    end = None
    for i, (us, _, ip) in enumerate(packets):
        if ip[16:20] != tgt or ip[9] != 6:
            continue
        tcp = l4(ip)
        win = struct.unpack('!H', tcp[14:16])[0]
        if tcp[13] == 0x02 and win == 1 and tcp[20:28] == bytes.fromhex('03030a01020405b4'):
            seq = struct.unpack('!I', tcp[4:8])[0]
            if start is None:
                start, base, seq_base = i, struct.unpack('!H', tcp[0:2])[0], seq
            elif seq != seq_base:
                end = i
                break
    if start is None:
        sys.exit('no OS detection SYN (window 1) in the capture')
    window = packets[start:end]

    names = {0: 'SEQ1', 1: 'SEQ2', 2: 'SEQ3', 3: 'SEQ4', 4: 'SEQ5', 5: 'SEQ6', 12: 'ECN',
             14: 'T2', 15: 'T3', 16: 'T4', 17: 'T5', 18: 'T6', 19: 'T7'}
    sent, reply = {}, {}
    ports = {}
    scanner = None
    u1_sport = ie_id = None
    mac = None
    for us, src_mac, ip in window:
        proto, body = ip[9], l4(ip)
        if ip[16:20] == tgt:  # ours
            scanner = ip[12:16]
            if proto == 6:
                if body[13] & 0x04:
                    continue  # our kernel's reset to a SYN-ACK, not a probe
                sport, dport = struct.unpack('!HH', body[0:4])
                name = names.get(sport - base)
                if name:
                    sent[name] = (us, ip)
                    ports['closed_tcp' if name in ('T5', 'T6', 'T7') else 'open_tcp'] = dport
            elif proto == 17 and len(body) == 308:
                sent['U1'] = (us, ip)
                u1_sport, ports['closed_udp'] = struct.unpack('!HH', body[0:4])
            elif proto == 1 and body[0] == 8:
                eid = struct.unpack('!H', body[4:6])[0]
                if body[1] == 9:
                    ie_id = eid
                    sent['IE1'] = (us, ip)
                elif ie_id is not None and eid == ie_id + 1:
                    sent['IE2'] = (us, ip)
        elif ip[12:20] == tgt + (scanner or b''):  # theirs, to us
            name = None
            if proto == 6:
                name = names.get(struct.unpack('!H', body[2:4])[0] - base)
            elif proto == 1 and body[0] == 0 and ie_id is not None:
                eid = struct.unpack('!H', body[4:6])[0]
                name = {ie_id: 'IE1', ie_id + 1: 'IE2'}.get(eid)
            elif proto == 1 and body[0] == 3 and body[1] == 3 and len(body) >= 36:
                q = body[8:]
                if q[9] == 17 and struct.unpack('!H', l4(q)[0:2])[0] == u1_sport:
                    name = 'U1'
            if name and name in sent and name not in reply:
                reply[name] = (us, ip)
                mac = src_mac

    order = ['SEQ1', 'SEQ2', 'SEQ3', 'SEQ4', 'SEQ5', 'SEQ6', 'ECN', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7',
             'U1', 'IE1', 'IE2']
    with open(nmap_out) as f:
        nmap_lines = f.read().splitlines()
    block = [l for l in nmap_lines if l.startswith('OS:')]
    host = [l for l in nmap_lines
            if l.startswith(('Network Distance:', 'TCP Sequence Prediction:', 'IP ID Sequence Generation:',
                             'MAC Address:'))]
    on_link = any(l.startswith('MAC Address:') for l in host)
    with open(out, 'w') as f:
        f.write('# nmap 7.93 -O against %s in the portsweep lab, first try; written by pcap_to_fixture.py\n' % target)
        f.write('target %s\n' % target)
        f.write('scanner %s\n' % '.'.join(str(b) for b in scanner))
        for k in ('open_tcp', 'closed_tcp', 'closed_udp'):
            f.write('%s %d\n' % (k, ports.get(k, 0)))
        f.write('mac %s\n' % (mac.hex() if on_link and mac else '-'))
        for name in order:
            if name in sent:
                f.write('probe %s sent %d %s\n' % (name, sent[name][0], sent[name][1].hex()))
            if name in reply:
                f.write('probe %s reply %d %s\n' % (name, reply[name][0], reply[name][1].hex()))
        for l in block:
            f.write('nmap %s\n' % l)
        for l in host:
            f.write('nmap-host %s\n' % l)


if __name__ == '__main__':
    main()
