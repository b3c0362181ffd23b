#!/usr/bin/env python3
"""Checks the passive OS hints of a sweep's JSON lines (tests/lab/sweep_os_hint.sh).

classb FILE: every host with a syn-ack or reset result has exactly one hint,
  its label names Linux, and its signature is a TTL-64 stack's at distance 0.
lan FILE PERSONALITIES: each LAN host's hint agrees with its namespace's
  sysctls (lines "ADDR TTL TIMESTAMPS WSCALE SACK ECN RMEM_DEFAULT ADVMSS"):
  the signature's TTL is the host's initial TTL at distance 0, a SYN-ACK's
  MSS is the route's advmss and its window at most the default receive
  buffer; its option layout is the MSS alone (the sweep's SYN offers only an
  MSS, so timestamps, window scaling and SACK cannot show); the label names
  Linux exactly when the TTL is 64 (p0f's 128 and 255 signatures are other
  systems').
"""
import collections
import json
import sys


def read(path):
    hints = collections.defaultdict(list)
    answered = set()
    for line in open(path):
        o = json.loads(line)
        if "os_hint" in o:
            hints[o["ip"]].append(o["os_hint"])
        elif o.get("reason") in ("syn-ack", "reset") and "port" in o:
            answered.add(o["ip"])
    return hints, answered


def fields(sig):
    # ver:ttl+dist:olen:mss:wsize,scale:olayout:quirks:pclass
    f = sig.split(":")
    assert len(f) == 8, sig
    ttl, dist = f[1].split("+")
    win, scale = f[4].split(",")
    return {"ttl": int(ttl), "dist": int(dist), "mss": int(f[3]), "win": win, "layout": f[5], "quirks": f[6]}


def window(f):
    w = f["win"]
    if w.startswith("mss*"):
        return int(w[4:]) * f["mss"]
    if w.startswith("mtu*"):
        return int(w[4:]) * (f["mss"] + 40)
    return int(w)


def classb(path):
    hints, answered = read(path)
    bad = []
    if set(hints) != answered:
        bad.append(f"hosts answered {len(answered)}, hinted {len(hints)}: "
                   f"unhinted {sorted(answered - set(hints))[:5]}, extra {sorted(set(hints) - answered)[:5]}")
    labels = collections.Counter()
    for ip, hs in hints.items():
        if len(hs) != 1:
            bad.append(f"{ip}: {len(hs)} hints")
        h = hs[0]
        labels[h["label"]] += 1
        f = fields(h["signature"])
        if "Linux" not in h["label"] or f["ttl"] != 64 or f["dist"] != 0 or "df" not in f["quirks"].split(","):
            bad.append(f"{ip}: {h}")
    print(f"class-B: {len(answered)} hosts answered, {len(hints)} hints: {dict(labels)}")
    for b in bad[:10]:
        print("  " + b)
    return not bad


def lan(path, personalities):
    hints, answered = read(path)
    bad = []
    seen = 0
    for line in open(personalities):
        addr, ttl, ts, ws, sack, ecn, rmem, advmss = line.split()
        ttl, rmem, advmss = int(ttl), int(rmem), int(advmss)
        if addr not in answered:
            continue
        seen += 1
        hs = hints.get(addr, [])
        if len(hs) != 1:
            bad.append(f"{addr}: {len(hs)} hints")
            continue
        h = hs[0]
        f = fields(h["signature"])
        why = []
        if f["ttl"] != ttl or f["dist"] != 0:
            why.append(f"TTL {f['ttl']}+{f['dist']}, the host's is {ttl}")
        if f["mss"]:  # a SYN-ACK (a reset has no MSS)
            if f["mss"] != advmss:
                why.append(f"MSS {f['mss']}, the route's advmss is {advmss}")
            if window(f) > rmem:
                why.append(f"window {window(f)} above the default buffer {rmem}")
            if f["layout"] != "mss":
                why.append(f"options {f['layout']}: the sweep's SYN offered only an MSS")
        if ("Linux" in h["label"]) != (ttl == 64):
            why.append(f"label {h['label']!r} for TTL {ttl}")
        print(f"{addr}: ttl {ttl} ts {ts} ws {ws} sack {sack} ecn {ecn} rmem {rmem} advmss {advmss}: "
              f"{h['label'] or '(no label)'} {h['signature']}" + (f"  <- {'; '.join(why)}" if why else ""))
        if why:
            bad.append(addr)
    if seen == 0:
        bad.append("no LAN host answered")
    return not bad


if __name__ == "__main__":
    ok = classb(sys.argv[2]) if sys.argv[1] == "classb" else lan(sys.argv[2], sys.argv[3])
    sys.exit(0 if ok else 1)
