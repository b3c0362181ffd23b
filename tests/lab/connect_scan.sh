#!/usr/bin/env bash
# -sT, the connect scan, over a /24 of the lab from the scan namespace:
# the same states as the -sS truth (connect_compare.py says how a connect
# reads ICMP errors), XML valid against nmap.dtd; the SO_LINGER 0 resets
# leave the scanner (the lab's kernel-RST drop rule lets socket RSTs through)
# and reach the target, so no connection stays established there; an
# unprivileged run (no CAP_NET_RAW, user nobody) falls back to -sT with its
# one line and finds the same; nmap -sT agrees port by port; without -Pn,
# -sT's connect() discovery finds the hosts nmap --unprivileged -sT finds
# (and those nmap calls down on an ICMP unreachable while its other connect
# completed).
source "$(dirname "$(readlink -f "$0")")/common.sh"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
ports=21,22,25,53,80,443,8080
net=198.19.0.0/24

"$LAB" up
"$LAB" truth --targets "$net" --scan sS "T:$ports" > "$work/truth"
drops() { "$LAB" exec nft list chain inet portsweep_scan output | awk '/counter drop/ { for (i = 1; i < NF; i++) if ($i == "packets") s += $(i + 1) } END { print s + 0 }'; }
drops_before=$(drops)

start=$(date +%s.%N)
"$LAB" exec "$BIN" -sT -n -Pn -p "$ports" -oX "$work/sT.xml" -oJ "$work/sT.jsonl" "$net" \
  > "$work/sT.out" 2> "$work/sT.err" || { tail -n 5 "$work/sT.err"; fail "-sT exited non-zero"; }
ours=$(echo "$(date +%s.%N) - $start" | bc)
python3 "$SRC/tests/lab/connect_compare.py" "$work/truth" "$work/sT.jsonl" | sed 's/^/-sT: /' \
  || fail "-sT differs from the truth"
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/sT.xml" || fail "-sT: XML is not valid"
grep -q '<scaninfo type="connect" protocol="tcp"' "$work/sT.xml" || fail "-sT: no connect scaninfo"
grep -q "connect scan: .* connects" "$work/sT.err" || fail "-sT: no summary line"
tail -n 1 "$work/sT.err"

# The resets went out (a socket's RST is not the kernel's, which the lab drops) and
# closed every connection the scan opened on the target.
[[ $(drops) == "$drops_before" ]] || fail "the lab dropped $(( $(drops) - drops_before )) RSTs of the connect scan"
left=$(ip netns exec ps-target ss -Htn state established dst 198.18.0.1 | wc -l)
[[ $left == 0 ]] || fail "$left connections still established on the target after -sT"
echo "ok   every open connection reset (target: none established; lab's kernel-RST drops: unchanged)"

# Unprivileged: user nobody, no capabilities: portsweep says so and uses -sT.
mkdir "$work/nobody"
cp "$BIN" "$work/nobody/portsweep"
chmod 755 "$work" && chmod 1777 "$work/nobody"
"$LAB" exec setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all \
  "$work/nobody/portsweep" -n -Pn -p "$ports" -oJ "$work/nobody/out.jsonl" "$net" > /dev/null 2> "$work/nobody.err" \
  || { cat "$work/nobody.err"; fail "unprivileged run exited non-zero"; }
[[ $(grep -c "falling back to a connect scan (-sT)" "$work/nobody.err") == 1 ]] \
  || fail "unprivileged run: no fallback line: $(head -n 3 "$work/nobody.err")"
python3 "$SRC/tests/lab/connect_compare.py" "$work/truth" "$work/nobody/out.jsonl" | sed 's/^/unprivileged: /' \
  || fail "the unprivileged run differs from the truth"

# nmap's own connect scan, port by port.
start=$(date +%s.%N)
"$LAB" exec nmap -sT -n -Pn -p "$ports" --reason -oX "$work/nmap.xml" "$net" > /dev/null
theirs=$(echo "$(date +%s.%N) - $start" | bc)
python3 "$SRC/tests/lab/connect_compare.py" "$work/truth" "$work/sT.jsonl" "$work/nmap.xml" | tail -n +2 \
  || fail "portsweep -sT and nmap -sT differ"
printf 'ok   -sT equals the truth and nmap -sT; portsweep %.2f s, nmap %.2f s\n' "$ours" "$theirs"

# Without -Pn: -sT's discovery (connect() to 80 and 443) finds the hosts
# nmap's unprivileged discovery finds, which is the same connect ping.
"$LAB" exec "$BIN" -sT -n -p 22 -oX "$work/disc.xml" "$net" > /dev/null 2> "$work/disc.err" \
  || { tail -n 3 "$work/disc.err"; fail "-sT with discovery exited non-zero"; }
"$LAB" exec nmap --unprivileged -sT -n -p 22 -oX "$work/nmap-disc.xml" "$net" > /dev/null
up_hosts() { python3 -c '
import sys, xml.etree.ElementTree as ET
for h in ET.parse(sys.argv[1]).getroot().iter("host"):
    if h.find("status").get("state") == "up":
        print(next(a.get("addr") for a in h.iter("address") if a.get("addrtype") == "ipv4"))' "$1" | sort; }
# One difference is nmap's: an ICMP unreachable answering one of its two
# connects marks the host down even when the other port completes the
# handshake; portsweep takes the handshake as the proof it is. Such a host
# (in the truth: 80 or 443 answered, the other rejected by ICMP) may be up
# for portsweep only; any other difference fails.
"$LAB" truth --targets "$net" --scan sS T:80,443 > "$work/ping.truth"
comm -3 <(up_hosts "$work/disc.xml") <(up_hosts "$work/nmap-disc.xml") > "$work/disc.diff"
python3 - "$work/disc.diff" "$work/ping.truth" <<'PY' || fail "-sT's discovery and nmap --unprivileged -sT's differ: $(head -n 5 "$work/disc.diff")"
import sys
diff = [line for line in open(sys.argv[1]) if line.strip()]
truth = {}
for line in open(sys.argv[2]):
    addr, _, port, state, reason = line.split()
    truth.setdefault(addr, {})[port] = (state, reason)
ok = True
for line in diff:
    if line.startswith("\t"):  # nmap's only
        print("nmap only:", line.strip()); ok = False; continue
    ports = truth.get(line.strip(), {})
    # A connect reads an ICMP port unreachable as a refusal (closed).
    answered = [p for p, (st, r) in ports.items() if st in ("open", "closed") or r == "port-unreach"]
    rejected = [p for p, (st, r) in ports.items() if st == "filtered" and r not in ("no-response", "port-unreach")]
    if not (answered and rejected):
        print("portsweep only, not by nmap's ICMP rule:", line.strip(), ports); ok = False
print(f"== -sT discovery: {len(diff)} hosts up for portsweep only, each with one ping port answered and the other ICMP-rejected")
sys.exit(0 if ok else 1)
PY
echo "ok   -sT's discovery: $(up_hosts "$work/disc.xml" | wc -l) hosts up, nmap --unprivileged -sT $(up_hosts "$work/nmap-disc.xml" | wc -l); $(grep 'host discovery' "$work/disc.err")"
