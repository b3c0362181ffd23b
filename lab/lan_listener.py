#!/usr/bin/env python3
"""A LAN host's services, for scripts/lab: listen on the given TCP ports
(accept, then close at once) and UDP ports (echo every datagram back, an
empty one as one byte), on every address of both families, until killed.  Once every socket
is bound, READY_FILE (if given) is created.

usage: lan_listener.py TCP_PORTS UDP_PORTS [READY_FILE]
       (ports comma-separated, '-' for none)
"""

import selectors
import socket
import sys


def ports(arg):
    return [int(p) for p in arg.split(",")] if arg != "-" else []


def main(argv):
    if len(argv) not in (2, 3):
        raise SystemExit(__doc__.split("\n\n")[1])
    sel = selectors.DefaultSelector()
    # One socket per family and port (IPv6 ones IPv6-only), so each family
    # is served exactly as the other.
    for family, anyaddr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        for port in ports(argv[0]):
            s = socket.socket(family, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((anyaddr, port))
            s.listen(4096)
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, "tcp")
        for port in ports(argv[1]):
            s = socket.socket(family, socket.SOCK_DGRAM)
            if family == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((anyaddr, port))
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, "udp")
    if len(argv) == 3:
        open(argv[2], "w").close()
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            try:
                if key.data == "tcp":
                    conn, _ = s.accept()
                    conn.close()
                else:
                    data, peer = s.recvfrom(65535)
                    s.sendto(data or b"\n", peer)
            except (BlockingIOError, ConnectionError):
                pass


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except KeyboardInterrupt:
        pass
