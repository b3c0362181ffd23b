#!/usr/bin/env bash
# -sT, the connect scan, over a /24 of the lab from the scan namespace:
# the same states as the -sS truth (connect_compare.py says how a connect
# reads ICMP errors), XML valid against nmap.dtd; the SO_LINGER 0 resets
# leave the scanner (the lab's kernel-RST drop rule lets socket RSTs through)
# and reach the target, so no connection stays established there; an
# unprivileged run (no CAP_NET_RAW, user nobody) falls back to -sT with its
# one line and finds the same; nmap -sT agrees port by port.
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
