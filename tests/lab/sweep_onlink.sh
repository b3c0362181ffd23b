#!/usr/bin/env bash
# A sweep of an on-link segment (the lab's LAN, 198.18.1.0/24 behind
# ps-scan1): every host's MAC resolved by one paced ARP sweep, every probe
# sent to its own host's MAC (never all to the first one), the silent
# addresses, the network and the broadcast address skipped with a warning
# rather than an abort, and the result equal to the truth, with every host
# nmap finds by ARP.
source "$(dirname "$(readlink -f "$0")")/common.sh"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
ports=21,22,25,80,443,8080,8443

"$LAB" up
"$LAB" truth --targets 198.18.1.0/24 "T:$ports" > "$work/truth.txt"
"$LAB" truth --live --targets 198.18.1.0/24 | sort > "$work/live.txt"

# The SYNs crossing the LAN's bridge during the sweep, to check each frame's
# MAC (the scanner's own side bypasses the qdisc, where tcpdump would look).
ip netns exec ps-lan tcpdump -n -e -i br0 -w "$work/wire.pcap" \
  'tcp[tcpflags] & tcp-syn != 0 and src host 198.18.1.1' 2> /dev/null &
dump=$!
sleep 1
"$LAB" exec "$BIN" -sS -n -Pn -p "$ports" --rate 20000 -e ps-scan1 --exclude 198.18.1.1 \
  -oJ "$work/lan.jsonl" -oX "$work/lan.xml" 198.18.1.0/24 > "$work/lan.out" 2> "$work/lan.err" \
  || { cat "$work/lan.err"; fail "the on-link sweep exited non-zero"; }
sleep 1
kill "$dump" 2>/dev/null; wait "$dump" 2>/dev/null || true
probes=$(awk '$4 == "open" || $4 == "closed"' "$work/truth.txt" | wc -l)
grep "WARNING" "$work/lan.err" || true
grep -q "WARNING: .*on-link.*198.18.1" "$work/lan.err" || fail "no warning about the silent on-link addresses"
python3 "$SRC/tests/lab/sweep_compare.py" "$work/truth.txt" "$work/lan.jsonl" || fail "the on-link sweep differs from the truth"
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/lan.xml" || fail "XML is not valid"

# Every probe went to the MAC of the host it was for.
tcpdump -n -e -r "$work/wire.pcap" 2> /dev/null > "$work/wire.txt"
python3 - "$work/wire.txt" "$probes" <<'PY' || fail "a probe went to another host's MAC, or some were missing"
import re, sys
lines = open(sys.argv[1]).read().splitlines()
bad = 0
for line in lines:
    m = re.search(r"> ([0-9a-f:]{17}),.* > 198\.18\.1\.(\d+)\.", line)
    if not m:
        continue
    want = "02:50:53:01:00:%02x" % int(m.group(2))
    bad += m.group(1) != want
print(f"{len(lines)} probes on the wire, {bad} to the wrong MAC, {sys.argv[2]} expected")
sys.exit(1 if bad or len(lines) != int(sys.argv[2]) else 0)
PY

# nmap finds the same hosts by ARP; portsweep reports each as up.
"$LAB" exec nmap -sn -n -e ps-scan1 --exclude 198.18.1.1 -oG - 198.18.1.0/24 \
  | awk '/Status: Up/ { print $2 }' | sort > "$work/nmap_up.txt"
diff "$work/live.txt" "$work/nmap_up.txt" || fail "nmap's ARP ping disagrees with the LAN's truth"
python3 -c 'import json,sys; print("\n".join(sorted({r["ip"] for r in map(json.loads, open(sys.argv[1])) if "ip" in r})))' \
  "$work/lan.jsonl" > "$work/ours_up.txt"
diff "$work/live.txt" "$work/ours_up.txt" || fail "portsweep's hosts differ from the LAN's live hosts"
echo "ok   on-link /24: $(wc -l < "$work/live.txt") hosts, each probe to its own MAC, equal to the truth and to nmap"
