#!/usr/bin/env python3
"""Records real service responses as test fixtures.

Sends one nmap-service-probes probe per connection (or datagram) and saves
the bytes that came back, as version detection would see them, to
OUTDIR/LABEL__PROTO_PROBE.bin (PROTO is TCP, UDP or TLS for a probe sent
inside a TLS session). The payloads are read from the probes file itself, so
the fixtures answer exactly what the engine sends.

  collect_banners.py [--probes FILE] HOST OUTDIR LABEL:PORT:PROTO:PROBE …
  e.g. collect_banners.py 198.19.0.1 banners lab-vsftpd:21:TCP:NULL lab-nginx:443:TLS:GetRequest

--probes takes the payloads from another file in the same format (the
project's own data/portsweep-service-probes); nmap's is the default.

Only ever point it at the lab (run it through `scripts/lab exec`) or at
daemons on 127.0.0.1.
"""
import re
import socket
import ssl
import sys
import time

PROBES_FILE = "/usr/share/nmap/nmap-service-probes"


def unescape(s):
    out = bytearray()
    i = 0
    simple = {"0": 0, "a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92}
    while i < len(s):
        c = s[i]
        if c != "\\":
            out.append(ord(c))
            i += 1
            continue
        e = s[i + 1]
        if e == "x":
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        else:
            out.append(simple.get(e, ord(e)))
            i += 2
    return bytes(out)


def payloads(path):
    found = {}
    with open(path, encoding="latin-1") as f:
        for line in f:
            m = re.match(r"Probe (TCP|UDP) (\S+) q(.)", line)
            if not m:
                continue
            delim = m.group(3)
            body = line[m.end():line.index(delim, m.end())]
            found[(m.group(1), m.group(2))] = unescape(body)
    return found


def read_stream(sock, first_wait, idle_wait):
    """Reads until the peer closes, or `idle_wait` passes without new bytes
    once something has arrived (`first_wait` before the first byte)."""
    data = b""
    deadline = time.monotonic() + first_wait
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return data
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, TimeoutError):
            return data
        except (ConnectionResetError, ssl.SSLError):
            return data
        if not chunk:
            return data
        data += chunk
        deadline = time.monotonic() + idle_wait


def collect(host, port, proto, payload):
    if proto == "UDP":
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(3)
            s.sendto(payload, (host, port))
            try:
                return s.recvfrom(65536)[0]
            except (socket.timeout, TimeoutError):
                return b""
    raw = socket.create_connection((host, port), timeout=5)
    sock = raw
    if proto == "TLS":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        sock = ctx.wrap_socket(raw)
    with sock:
        if payload:
            sock.sendall(payload)
        return read_stream(sock, first_wait=6.0 if not payload else 4.0, idle_wait=0.7)


def main():
    args = sys.argv[1:]
    probes_file = PROBES_FILE
    if args[:1] == ["--probes"]:
        probes_file, args = args[1], args[2:]
    host, outdir, specs = args[0], args[1], args[2:]
    known = payloads(probes_file)
    for spec in specs:
        label, port, proto, probe = spec.split(":")
        wire_proto = "UDP" if proto == "UDP" else "TCP"
        payload = known[(wire_proto, probe)]
        data = collect(host, int(port), proto, payload)
        path = f"{outdir}/{label}__{proto}_{probe}.bin"
        with open(path, "wb") as f:
            f.write(data)
        print(f"{path}: {len(data)} bytes {data[:60]!r}")


if __name__ == "__main__":
    main()
