#!/usr/bin/env python3
"""Talk to the lab's real services on the given addresses (run inside ps-scan).

Each address must be one where the population leaves every service port open
(e.g. the pinned 198.19.0.1).  Checks: SSH and FTP banners, an HTTP GET, a
redis PING, DNS over UDP and TCP, the slow services (2525 greets after 2 s,
9999 never speaks), and that 8080 is refused.  TLS is checked by
the calling shell script with `openssl s_client`.
"""

import socket
import struct
import sys
import time

TIMEOUT = 5.0


def connect(addr, port):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(TIMEOUT)
    s.connect((addr, port))
    return s


def recv_line(s):
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(1024)
        if not chunk:
            break
        buf += chunk
    return buf.decode("latin-1").strip()


def check_banner(addr, port, prefix):
    with connect(addr, port) as s:
        line = recv_line(s)
    assert line.startswith(prefix), f"{addr}:{port} banner {line!r}, want {prefix!r}…"
    return line


def check_http(addr):
    with connect(addr, 80) as s:
        s.sendall(b"GET / HTTP/1.0\r\nHost: lab.test\r\n\r\n")
        data = b""
        while chunk := s.recv(4096):
            data += chunk
    text = data.decode("latin-1")
    assert text.startswith("HTTP/1.1 200"), f"HTTP status {text[:40]!r}"
    assert "portsweep lab" in text, "HTTP body lacks the lab page"
    return text.split("\r\n", 1)[0]


def check_redis(addr):
    with connect(addr, 6379) as s:
        s.sendall(b"*1\r\n$4\r\nPING\r\n")
        line = recv_line(s)
    assert line == "+PONG", f"redis answered {line!r}"
    return line


def dns_query(name, qid):
    header = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)  # RD, 1 question
    qname = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return header + qname + struct.pack("!HH", 1, 1)  # A, IN


def parse_a_answers(msg, qid):
    rid, flags, qd, an = struct.unpack("!HHHH", msg[:8])
    assert rid == qid, "DNS id mismatch"
    assert flags & 0x8000 and flags & 0xF == 0, f"DNS flags {flags:#x}"
    pos = 12
    for _ in range(qd):  # skip the question
        while msg[pos]:
            pos += msg[pos] + 1
        pos += 5
    out = []
    for _ in range(an):
        if msg[pos] & 0xC0 == 0xC0:
            pos += 2
        else:
            while msg[pos]:
                pos += msg[pos] + 1
            pos += 1
        rtype, _cls, _ttl, rdlen = struct.unpack("!HHIH", msg[pos:pos + 10])
        pos += 10
        if rtype == 1:
            out.append(socket.inet_ntoa(msg[pos:pos + 4]))
        pos += rdlen
    return out


def check_dns_udp(addr):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.settimeout(TIMEOUT)
        s.connect((addr, 53))  # connected: a reply from another address is ignored
        s.send(dns_query("www.lab.test", 0x5053))
        answers = parse_a_answers(s.recv(4096), 0x5053)
    assert answers == ["198.19.0.1"], f"DNS/udp answers {answers}"
    return f"www.lab.test A {answers[0]}"


def check_dns_tcp(addr):
    q = dns_query("lab.test", 0x1234)
    with connect(addr, 53) as s:
        s.sendall(struct.pack("!H", len(q)) + q)
        (n,) = struct.unpack("!H", s.recv(2))
        msg = b""
        while len(msg) < n:
            msg += s.recv(n - len(msg))
    answers = parse_a_answers(msg, 0x1234)
    assert answers == ["198.19.0.1"], f"DNS/tcp answers {answers}"
    return f"lab.test A {answers[0]}"


def check_slow(addr):
    """2525 greets after the lab's 2 s delay and answers QUIT; meanwhile 9999,
    sent a request, says nothing and keeps the connection open."""
    with connect(addr, 9999) as quiet:
        quiet.sendall(b"GET / HTTP/1.0\r\n\r\n")
        t0 = time.monotonic()
        with connect(addr, 2525) as s:
            line = recv_line(s)
            waited = time.monotonic() - t0
            assert line.startswith("220 lab.test ESMTP Exim 4.96 "), f"2525 greeting {line!r}"
            assert 1.8 < waited < 3.0, f"2525 greeted after {waited:.2f} s, want about 2"
            s.sendall(b"QUIT\r\n")
            bye = recv_line(s)
            assert bye.startswith("221 "), f"2525 answered QUIT with {bye!r}"
        quiet.setblocking(False)
        try:
            data = quiet.recv(1)
            raise AssertionError(f"9999 sent {data!r}" if data else "9999 closed the connection")
        except BlockingIOError:
            pass
    return f"2525 greeted after {waited:.1f} s, 9999 silent"


def check_refused(addr, port):
    try:
        connect(addr, port).close()
    except ConnectionRefusedError:
        return "refused"
    raise AssertionError(f"{addr}:{port} accepted a connection")


def main(addrs):
    failures = 0
    for addr in addrs:
        checks = [
            ("ssh/22", lambda: check_banner(addr, 22, "SSH-2.0-OpenSSH")),
            ("ftp/21", lambda: check_banner(addr, 21, "220")),
            ("http/80", lambda: check_http(addr)),
            ("redis/6379", lambda: check_redis(addr)),
            ("dns/53udp", lambda: check_dns_udp(addr)),
            ("dns/53tcp", lambda: check_dns_tcp(addr)),
            ("slow/2525,9999", lambda: check_slow(addr)),
            ("closed/8080", lambda: check_refused(addr, 8080)),
        ]
        for name, fn in checks:
            try:
                print(f"ok   {addr} {name}: {fn()}")
            except (AssertionError, OSError) as e:
                print(f"FAIL {addr} {name}: {e!r}")
                failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: check_services.py ADDR…")
    sys.exit(main(sys.argv[1:]))
