#!/usr/bin/env python3
"""Turns a lab capture of one `nmap -O` run into a small text fixture.

usage: pcap_to_fixture.py CAPTURE.pcap NMAP_OUTPUT.txt TARGET OUT.txt

How the committed fixtures were made (lab up, under the lab lock):

  ip netns exec ps-scan tcpdump -U -n -i ps-scan0 -w t.pcap host 198.19.0.1 &
  scripts/lab exec nmap -n -Pn -O -d -p 22,8080 198.19.0.1 > t.txt
  (stop tcpdump)  pcap_to_fixture.py t.pcap t.txt 198.19.0.1 target_198.19.0.1.txt

(LAN hosts: -i ps-scan1.) -d makes nmap print the block even when it
matches perfectly.

CAPTURE is tcpdump's Ethernet capture in the scanner namespace (host TARGET)
while `nmap -n -Pn -O -d -p OPEN,CLOSED TARGET` ran; NMAP_OUTPUT is that
run's normal output. The fixture keeps only nmap's first OS detection try:
each probe's datagram as sent (its last send within the try) and the first
reply to it, with capture times in microseconds, as hex; then the "OS:"
block and the host lines nmap printed. nmap's printed fingerprint merges its
tries, and for each line it keeps the first try's (when later tries produce
a line with the same tests), so try 1 is what its lines came from.

A TCP probe is known by its flags, window and first options (nmap 7.93's
SEQ1-6, ECN, T2-T7), and its replies by the source port it went out from;
U1 is the UDP datagram with 300 bytes of 'C'; IE1 the echo request with code
9, IE2 the one with its id + 1. A new try starts with the first probe that
carries another sequence base (or another U1 port, or IE id). The resets the
scanner's kernel sends to the SYN-ACKs are not probes and are skipped. The
closed TCP port counts as picked at random ("closed_tcp_guessed 1") when
nmap's port table does not list it as closed.
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

    # What each of nmap's TCP probes looks like: (flags, window, options prefix).
    signatures = [
        ('SEQ1', 0x02, 1, '03030a01'), ('SEQ2', 0x02, 63, '02040578'), ('SEQ3', 0x02, 4, '080a'),
        ('SEQ4', 0x02, 4, '0402080a'), ('SEQ5', 0x02, 16, '02040218'), ('SEQ6', 0x02, 512, '02040109'),
        ('ECN', 0xc2, 3, ''), ('T2', 0x00, 128, ''), ('T3', 0x2b, 256, ''), ('T4', 0x10, 1024, ''),
        ('T5', 0x02, 31337, ''), ('T6', 0x10, 32768, ''), ('T7', 0x29, 65535, ''),
    ]

    def tcp_probe(body):
        win = struct.unpack('!H', body[14:16])[0]
        opts = body[20:(body[12] >> 4) * 4].hex()
        for name, flags, w, prefix in signatures:
            if body[13] == flags and win == w and opts.startswith(prefix) and len(opts) > 0:
                return name
        return None

    # Try 1 ends where a probe carries another try's sequence base (SEQ i
    # carries base + i, every other TCP probe the base itself).
    sent, reply = {}, {}
    by_sport = {}
    ports = {}
    scanner = None
    seq_base = None
    u1_sport = ie_id = None
    mac = None
    for us, src_mac, ip in packets:
        proto, body = ip[9], l4(ip)
        if ip[16:20] == tgt:  # ours
            scanner = ip[12:16]
            if proto == 6:
                if body[13] & 0x04:
                    continue  # our kernel's reset to a SYN-ACK, not a probe
                name = tcp_probe(body)
                if not name:
                    continue
                seq = struct.unpack('!I', body[4:8])[0]
                k = int(name[3]) - 1 if name.startswith('SEQ') else 0
                if seq_base is None:
                    seq_base = (seq - k) & 0xffffffff
                delta = (seq - seq_base) & 0xffffffff
                if delta > 5:
                    break  # try 2
                if name.startswith('SEQ') and (delta != k or name in sent):
                    continue  # an OPS probe (sent for a SYN-ACK that did not come), not SEQ
                sport, dport = struct.unpack('!HH', body[0:4])
                sent[name] = (us, ip)
                by_sport[sport] = name
                ports['closed_tcp' if name in ('T5', 'T6', 'T7') else 'open_tcp'] = dport
            elif proto == 17 and len(body) == 308 and body[8:] == b'C' * 300:
                if 'U1' in sent and struct.unpack('!H', body[0:2])[0] != u1_sport:
                    break  # try 2
                sent['U1'] = (us, ip)
                u1_sport, ports['closed_udp'] = struct.unpack('!HH', body[0:4])
            elif proto == 1 and body[0] == 8:
                eid = struct.unpack('!H', body[4:6])[0]
                if body[1] == 9:
                    if ie_id is not None and eid != ie_id:
                        break  # try 2
                    ie_id = eid
                    sent['IE1'] = (us, ip)
                elif ie_id is not None and eid == ie_id + 1:
                    sent['IE2'] = (us, ip)
        elif ip[12:20] == tgt + (scanner or b''):  # theirs, to us
            name = None
            if proto == 6:
                name = by_sport.get(struct.unpack('!H', body[2:4])[0])
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
    if not sent:
        sys.exit('no OS detection probe in the capture')

    order = ['SEQ1', 'SEQ2', 'SEQ3', 'SEQ4', 'SEQ5', 'SEQ6', 'ECN', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7',
             'U1', 'IE1', 'IE2']
    with open(nmap_out) as f:
        nmap_lines = f.read().splitlines()
    # The block nmap printed under "TCP/IP fingerprint:" (wrapped "OS:" rows,
    # or one test line per row when it does not offer the print).
    block = []
    if 'TCP/IP fingerprint:' in nmap_lines:
        for l in nmap_lines[nmap_lines.index('TCP/IP fingerprint:') + 1:]:
            if not l:
                break
            block.append(l)
    closed_seen = any(l.startswith('%d/tcp ' % ports.get('closed_tcp', 0)) and ' closed ' in l for l in nmap_lines)
    host = [l for l in nmap_lines
            if l.startswith(('Network Distance:', 'TCP Sequence Prediction:', 'IP ID Sequence Generation:',
                             'MAC Address:', 'Too many fingerprints match', 'OS fingerprint not ideal'))]
    on_link = any(l.startswith('MAC Address:') for l in host)
    with open(out, 'w') as f:
        f.write('# nmap 7.93 -O against %s in the portsweep lab, first try; written by pcap_to_fixture.py\n' % target)
        f.write('target %s\n' % target)
        f.write('scanner %s\n' % '.'.join(str(b) for b in scanner))
        for k in ('open_tcp', 'closed_tcp', 'closed_udp'):
            f.write('%s %d\n' % (k, ports.get(k, 0)))
        f.write('closed_tcp_guessed %d\n' % (0 if closed_seen or not ports.get('closed_tcp') else 1))
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
