#!/usr/bin/env bash
# -sT end to end on the loopback (no root needed): a listener is open, a
# bound but not listening port is closed, every output format reports both,
# the XML names the connect scan and is valid against nmap.dtd; the
# unprivileged fallback says so in one line and scans the same; a raw scan
# type forced unprivileged is refused.
set -uo pipefail
BIN=${PORTSWEEP_BIN:?}
work=$(mktemp -d)
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
python3 -c '
import socket, sys, time
o = socket.socket(); o.bind(("0.0.0.0", 0)); o.listen(16)
c = socket.socket(); c.bind(("0.0.0.0", 0))
print(o.getsockname()[1], c.getsockname()[1], flush=True)
time.sleep(60)
' > "$work/ports" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do [[ -s $work/ports ]] && break; sleep 0.1; done
read -r open closed < "$work/ports"

"$BIN" -sT -n -Pn --reason -p "$open,$closed" -oX "$work/s.xml" -oJ "$work/s.jsonl" -oG "$work/s.gnmap" \
  -oN "$work/s.nmap" 127.0.0.1 > "$work/out" 2> "$work/err" || fail "-sT exited $?: $(cat "$work/err")"
grep -q "\"port\":$open,\"state\":\"open\",\"reason\":\"syn-ack\"" "$work/s.jsonl" || fail "JSON lacks $open open syn-ack: $(cat "$work/s.jsonl")"
grep -q "\"port\":$closed,\"state\":\"closed\",\"reason\":\"conn-refused\"" "$work/s.jsonl" || fail "JSON lacks $closed closed conn-refused"
grep -q '<scaninfo type="connect" protocol="tcp"' "$work/s.xml" || fail "XML scaninfo is not type=connect"
grep -q "portid=\"$open\"><state state=\"open\" reason=\"syn-ack\"" "$work/s.xml" || fail "XML lacks port $open open"
if [[ -r /usr/share/nmap/nmap.dtd ]]; then
  xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/s.xml" || fail "XML not valid against nmap.dtd"
fi
grep -q "$open/open/tcp" "$work/s.gnmap" && grep -q "$closed/closed/tcp" "$work/s.gnmap" || fail "grepable: $(cat "$work/s.gnmap")"
grep -Eq "^$open/tcp +open .*syn-ack" "$work/s.nmap" && grep -Eq "^$closed/tcp +closed .*conn-refused" "$work/s.nmap" \
  || fail "normal output: $(cat "$work/s.nmap")"
grep -q "connect scan: 2 connects for 2 probes" "$work/err" || fail "no summary line: $(cat "$work/err")"
help=$("$BIN" --help)
[[ $help == *"-sT "*"connect"* ]] || fail "--help does not list -sT"

# --unprivileged: the default scan becomes -sT, said in one line.
"$BIN" --unprivileged -n -Pn -p "$open,$closed" -oJ "$work/u.jsonl" 127.0.0.1 > /dev/null 2> "$work/uerr" \
  || fail "--unprivileged exited $?"
grep -q -- "--unprivileged: using a connect scan (-sT)" "$work/uerr" || fail "no fallback line: $(cat "$work/uerr")"
[[ $(grep -c state "$work/u.jsonl") == 2 ]] || fail "--unprivileged scan: $(cat "$work/u.jsonl")"
# A process without CAP_NET_RAW falls back by itself.
if [[ $EUID -eq 0 ]] && command -v setpriv > /dev/null; then
  setpriv --inh-caps=-all --bounding-set=-net_raw -- "$BIN" -n -Pn -p "$open,$closed" -oJ "$work/n.jsonl" 127.0.0.1 \
    > "$work/n.out" 2> "$work/nerr" || fail "without CAP_NET_RAW exited $?: $(cat "$work/nerr")"
elif [[ $EUID -ne 0 ]]; then
  "$BIN" -n -Pn -p "$open,$closed" -oJ "$work/n.jsonl" 127.0.0.1 > "$work/n.out" 2> "$work/nerr" || fail "unprivileged exited $?"
fi
if [[ -e $work/nerr ]]; then
  [[ $(grep -c "falling back to a connect scan (-sT)" "$work/nerr") == 1 ]] || fail "no fallback line: $(cat "$work/nerr")"
  grep -q "\"port\":$open,\"state\":\"open\"" "$work/n.jsonl" || fail "fallback scan: $(cat "$work/n.jsonl")"
fi
# Forced unprivileged, a raw scan type is refused (as nmap does).
err=$("$BIN" -sS --unprivileged -p "$open" 127.0.0.1 2>&1 >/dev/null); rc=$?
[[ $rc == 2 && $err == *"-sS sends raw packets, which needs root or CAP_NET_RAW"* ]] || fail "-sS --unprivileged: exit $rc, $err"

# A loopback target with raw privilege: Linux drops raw frames to 127/8, so
# -sS becomes a connect scan, said in one line, with the same states and
# the host's latency from the handshakes.
"$BIN" --privileged -sS -n -p "$open,$closed" -oN "$work/lo.nmap" 127.0.0.1 > /dev/null 2> "$work/loerr" \
  || fail "-sS of 127.0.0.1 exited $?: $(cat "$work/loerr")"
[[ $(grep -c "scanning the loopback targets with a connect scan (-sT)" "$work/loerr") == 1 ]] \
  || fail "no loopback line: $(cat "$work/loerr")"
grep -Eq "^$open/tcp +open" "$work/lo.nmap" && grep -Eq "^$closed/tcp +closed" "$work/lo.nmap" \
  || fail "-sS of 127.0.0.1: $(cat "$work/lo.nmap")"
grep -Eq "^Host is up \([0-9.]+s latency\)\.$" "$work/lo.nmap" || fail "no latency: $(cat "$work/lo.nmap")"

# Without -Pn, -sT discovers hosts as nmap does without privilege: connect()
# to 80 and 443; a refusal is an answer, so 127.0.0.1 is up (conn-refused).
"$BIN" -sT -n --reason -p "$open" -oN "$work/d.nmap" 127.0.0.1 > /dev/null 2> "$work/derr" || fail "-sT discovery exited $?"
grep -q "host discovery (connect to 80, 443): 1 of 1 hosts up" "$work/derr" || fail "no discovery line: $(cat "$work/derr")"
grep -q "^Host is up, received conn-refused" "$work/d.nmap" || fail "discovery reason: $(cat "$work/d.nmap")"
grep -Eq "^$open/tcp +open" "$work/d.nmap" || fail "-sT after discovery: $(cat "$work/d.nmap")"

echo "$failures failures"
[[ $failures -eq 0 ]]
