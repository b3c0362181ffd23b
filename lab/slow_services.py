#!/usr/bin/env python3
"""The target's two slow TCP services, for scripts/lab: what makes version
detection (-sV) slow, on purpose.

  * SILENT_PORT accepts every connection and never sends a byte: input is
    read and dropped, and the connection closes only when the client closes
    it.  A version scanner walks its whole probe chain here (nmap -sV -T4:
    every probe's wait, about 2.5 minutes) and ends with the port table's
    name and a "?".
  * DELAYED_PORT accepts, waits DELAY seconds (input meanwhile is dropped),
    then greets as an Exim mail server would; after that it answers QUIT
    (221, then closes) and ignores every other line.  The greeting is one
    nmap's NULL probe hard-matches (smtp, "Exim smtpd", version 4.96, host
    lab.test), and the delay is well under that probe's wait (6 s, 3 s at
    -T4), so a scanner must wait for it rather than move on.

Both listen on every address, IPv4 and IPv6 (the target answers for
198.19.0.0/16 and 2001:db8:1::/64 through local routes; asyncio binds
0.0.0.0 and :: for a host of None).  Once both are
bound, READY_FILE (if given) is created.  One asyncio loop, one coroutine per
connection; the open-file limit is raised to its hard limit, since the silent
port holds every connection a scanner leaves open.

usage: slow_services.py SILENT_PORT DELAYED_PORT DELAY [READY_FILE]
"""

import asyncio
import resource
import sys

# One line, constant (a real Exim adds the date and time; a fixed one keeps
# every run's bytes the same).
GREETING = b"220 lab.test ESMTP Exim 4.96 Mon, 01 Jan 2024 00:00:00 +0000\r\n"
BYE = b"221 lab.test closing connection\r\n"
BACKLOG = 65535


async def silent(reader, writer):
    try:
        while await reader.read(65536):
            pass
    except OSError:
        pass
    finally:
        writer.close()


async def delayed(reader, writer, delay):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + delay
    try:
        # Drop what arrives before the greeting, but notice a client that
        # gives up (EOF) rather than greet nobody.
        while (left := deadline - loop.time()) > 0:
            try:
                if not await asyncio.wait_for(reader.read(65536), left):
                    return
            except asyncio.TimeoutError:
                break
        writer.write(GREETING)
        await writer.drain()
        while line := await reader.readline():
            if line.strip().upper() == b"QUIT":
                writer.write(BYE)
                await writer.drain()
                return
    except (OSError, asyncio.LimitOverrunError, ValueError):
        pass
    finally:
        writer.close()


async def serve(silent_port, delayed_port, delay, ready_file):
    servers = [
        await asyncio.start_server(silent, None, silent_port, backlog=BACKLOG,
                                   reuse_address=True),
        await asyncio.start_server(lambda r, w: delayed(r, w, delay), None,
                                   delayed_port, backlog=BACKLOG, reuse_address=True),
    ]
    if ready_file:
        open(ready_file, "w").close()
    await asyncio.gather(*(s.serve_forever() for s in servers))


def main(argv):
    if len(argv) not in (3, 4):
        raise SystemExit(__doc__.split("\n\n")[-1])
    silent_port, delayed_port, delay = int(argv[0]), int(argv[1]), float(argv[2])
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(serve(silent_port, delayed_port, delay, argv[3] if len(argv) == 4 else None))


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except KeyboardInterrupt:
        pass
