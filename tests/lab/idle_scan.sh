#!/usr/bin/env bash
# -sI, the idle scan, through the lab's zombie (198.18.3.10, three hops away
# behind ps-target and ps-rtr, one global IP ID counter) over 198.19.0.0/28 x
# the ten lab TCP ports: every port equals the truth (open where a SYN gets a
# SYN-ACK, closed|filtered otherwise, with nmap's reasons) and equals nmap
# -sI's; no packet reaches a target from the scanner's own address; XML is
# valid against nmap.dtd; a host whose IP IDs say nothing is refused as a
# zombie with one line; Ctrl-C stops the scan with only decided ports
# reported. Prints both scanners' times.
source "$(dirname "$(readlink -f "$0")")/common.sh"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
ports=21,22,25,53,80,110,443,6379,8080,8443
net=198.19.0.0/28
zombie=198.18.3.10

"$LAB" up
"$LAB" truth --targets "$net" --scan sI "T:$ports" > "$work/truth" 2>/dev/null ||
  "$LAB" truth --targets "$net" --scan sS "T:$ports" > "$work/truth"
[[ $(wc -l < "$work/truth") == 160 ]] || fail "the truth has $(wc -l < "$work/truth") lines, not 160"

# What reaches the targets from the scanner's own address while portsweep
# scans: nothing (the spoofed SYNs claim the zombie's). Counted where the
# scanner's link enters the target namespace.
ip netns exec ps-target nft -f - <<'EOF'
table ip idle_check {
	chain input {
		type filter hook prerouting priority -300; policy accept;
		iifname "ps-tgt0" ip saddr 198.18.0.1 ip daddr 198.19.0.0/16 counter
		iifname "ps-tgt0" ip saddr 198.18.3.10 ip daddr 198.19.0.0/16 tcp flags syn counter
	}
}
EOF
start=$(date +%s.%N)
"$LAB" exec "$BIN" -n -Pn -sI "$zombie" --reason -p "$ports" -oX "$work/ps.xml" -oJ "$work/ps.jsonl" -oN "$work/ps.txt" "$net" \
  > /dev/null 2> "$work/ps.err" || { cat "$work/ps.err"; fail "portsweep -sI exited non-zero"; }
ours=$(echo "$(date +%s.%N) - $start" | bc)
counters=$(ip netns exec ps-target nft list chain ip idle_check input | awk '/counter/ { for (i = 1; i < NF; i++) if ($i == "packets") printf "%s ", $(i + 1) }')
ip netns exec ps-target nft delete table ip idle_check
read -r from_us spoofed <<< "$counters"
[[ $from_us == 0 ]] || fail "$from_us packets reached the targets from the scanner's own address"
(( spoofed >= 160 )) || fail "only $spoofed spoofed SYNs reached the targets (160 ports)"
echo "ok   blind: 0 packets from 198.18.0.1 reached the targets, $spoofed SYNs spoofed from the zombie did"
grep -q "idle scan using zombie $zombie:80; class: incremental" "$work/ps.err" || fail "no zombie line: $(head -n 2 "$work/ps.err")"
tail -n 1 "$work/ps.err"
python3 "$SRC/tests/lab/idle_compare.py" "$work/truth" "$work/ps.jsonl" "$work/ps.xml" || fail "portsweep -sI differs from the truth"
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/ps.xml" || fail "-sI: XML is not valid against nmap.dtd"
grep -q "ipid-change" "$work/ps.txt" || fail "normal output: no ipid-change reason"

# nmap -sI through the same zombie, port by port.
start=$(date +%s.%N)
"$LAB" exec nmap -n -Pn -sI "$zombie" --reason -p "$ports" -oX "$work/nmap.xml" "$net" > /dev/null 2>&1 \
  || fail "nmap -sI exited non-zero"
theirs=$(echo "$(date +%s.%N) - $start" | bc)
python3 "$SRC/tests/lab/idle_compare.py" "$work/truth" "$work/nmap.xml" || fail "nmap -sI differs from the truth"
printf 'ok   -sI equals the truth and nmap -sI; portsweep %.2f s, nmap %.2f s\n' "$ours" "$theirs"

# A zombie whose IP IDs say nothing (a population host: Linux's per-peer
# IDs) is refused with one line, nothing scanned, exit 1.
rc=0
"$LAB" exec "$BIN" -n -Pn -sI 198.19.0.1 -p 80 -oX "$work/refused.xml" 198.19.0.2 > /dev/null 2> "$work/refused.err" || rc=$?
[[ $rc == 1 ]] || fail "a useless zombie: exit $rc, not 1: $(cat "$work/refused.err")"
[[ $(wc -l < "$work/refused.err") == 1 ]] || fail "a useless zombie: more than one line: $(cat "$work/refused.err")"
grep -q "zombie 198.19.0.1" "$work/refused.err" || fail "a useless zombie: $(cat "$work/refused.err")"
echo "ok   refused: $(cat "$work/refused.err")"

# Ctrl-C: exit 130, and only decided ports reported (each one right).
"$LAB" truth --targets 198.19.0.0/26 --scan sS "T:1-200" > "$work/truth-big"
"$LAB" exec timeout --preserve-status -s INT 1.5 "$BIN" -n -Pn -sI "$zombie" -p 1-200 -oJ "$work/int.jsonl" -oX "$work/int.xml" 198.19.0.0/26 \
  > /dev/null 2> "$work/int.err" && rc=0 || rc=$?
[[ $rc == 130 ]] || fail "interrupted -sI: exit $rc, not 130: $(tail -n 2 "$work/int.err")"
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/int.xml" || fail "interrupted -sI: XML is not valid"
python3 - "$work/truth-big" "$work/int.jsonl" <<'EOF' || fail "interrupted -sI reported a wrong or undecided port"
import json, sys
truth = {}
for line in open(sys.argv[1]):
    a, proto, port, state = line.split()[:4]
    truth[(a, int(port))] = "open" if state == "open" else "closed|filtered"
got = [json.loads(l) for l in open(sys.argv[2])]
ports = [(r["ip"], r["port"]) for r in got if "port" in r]
wrong = [p for p in ports if truth[p] != next(r["state"] for r in got if "port" in r and (r["ip"], r["port"]) == p)]
assert 0 < len(ports) < len(truth), f"{len(ports)} ports reported of {len(truth)}"
assert not wrong, f"wrong: {wrong[:5]}"
print(f"ok   interrupted: {len(ports)} of {len(truth)} ports decided and reported, every one right")
EOF
