#!/usr/bin/env python3
"""Checks the lab's FTP bounce relay (198.18.3.21, vsftpd) speaks the
dialogue lab/README.md documents, from the scanner namespace.

usage: ftp_relay_check.py OPEN_ADDR:PORT CLOSED_ADDR:PORT DROPPED_ADDR:PORT

Logins: anonymous and ftp with any password, bounce/bounce, and a wrong
password refused.  A bounce (PORT to a third party, then LIST) to an open
port gets 150 then 226; to a closed one 425 at once; to a dropped one 425
after the relay's connect timeout (3 s); to a port below 1024
"500 OOPS: Illegal port request", and the relay closes the session (vsftpd's
privileged half may say "500 OOPS: ..." once more as it does).
"""
import socket
import sys
import time

RELAY = ("198.18.3.21", 21)
failed = []


class Session:
    def __init__(self):
        self.sock = socket.create_connection(RELAY, timeout=10)
        self.file = self.sock.makefile("rb")
        self.banner = self.reply()

    def reply(self):
        line = self.file.readline().decode(errors="replace").rstrip("\r\n")
        return line

    def cmd(self, text):
        self.sock.sendall(text.encode() + b"\r\n")
        return self.reply()

    def login(self, user, password):
        first = self.cmd("USER " + user)
        if not first.startswith("331"):
            return first
        return self.cmd("PASS " + password)

    def bounce(self, target):
        addr, port = target.rsplit(":", 1)
        port = int(port)
        arg = ",".join(addr.split(".") + [str(port >> 8), str(port & 255)])
        got = self.cmd("PORT " + arg)
        if not got.startswith("200"):
            return [got], 0.0
        t0 = time.monotonic()
        replies = [self.cmd("LIST")]
        if replies[0].startswith("1"):
            replies.append(self.reply())
        return replies, time.monotonic() - t0


def expect(what, ok, detail):
    print(("ok   " if ok else "FAIL ") + what + ("" if ok else f": {detail}"))
    if not ok:
        failed.append(what)


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__.split("\n\n")[1])
    open_t, closed_t, dropped_t = argv
    s = Session()
    expect("relay banner", s.banner == "220 portsweep lab FTP bounce relay", s.banner)
    for user, password in (("ftp", "me@x"), ("bounce", "bounce")):
        got = Session().login(user, password)
        expect(f"login {user}", got == "230 Login successful.", got)
    got = Session().login("bounce", "wrong")
    expect("login bounce with a wrong password refused", got == "530 Login incorrect.", got)

    got = s.login("anonymous", "x")
    expect("login anonymous", got == "230 Login successful.", got)
    replies, secs = s.bounce(open_t)
    expect(f"bounce to open {open_t}: 150, 226",
           replies == ["150 Here comes the directory listing.", "226 Directory send OK."],
           replies)
    replies, secs = s.bounce(closed_t)
    expect(f"bounce to closed {closed_t}: 425 at once",
           replies == ["425 Failed to establish connection."] and secs < 1, (replies, secs))
    replies, secs = s.bounce(dropped_t)
    expect(f"bounce to dropped {dropped_t}: 425 after the 3 s connect timeout",
           replies == ["425 Failed to establish connection."] and 2.5 < secs < 5,
           (replies, round(secs, 2)))
    replies, _ = s.bounce(open_t.rsplit(":", 1)[0] + ":1023")
    expect("bounce to port 1023: 500 OOPS", replies == ["500 OOPS: Illegal port request"], replies)
    # vsftpd's privileged half may add its own "500 OOPS: ..." line as the
    # session's process dies; then the connection must close.
    rest = []
    try:
        while len(rest) < 4:
            line = s.reply()
            if line == "":
                break
            rest.append(line)
        ended = len(rest) < 4 and all(line.startswith("500 OOPS") for line in rest)
    except OSError as e:
        ended, rest = False, rest + [f"no end of the session: {e}"]
    expect("the relay ends the session after it", ended, rest)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
