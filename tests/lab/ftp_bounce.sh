#!/usr/bin/env bash
# -b, the FTP bounce scan, through the lab's relay (vsftpd at 198.18.3.21):
# portsweep -b on 198.19.0.0/28 × the ten TCP lab ports and 53053. vsftpd
# connects to no port below 1024 (it answers LIST with "500 OOPS" and hangs
# up), so those are skipped with one warning and left unreported; every
# port from 1024 up must be reported as `truth --scan b` says (open/closed,
# "no-response" as nmap has it), the XML valid against nmap.dtd with
# <scaninfo type="bounce">, every target up with -Pn. Then nmap -b on the
# same ports from 1024 (one nmap per host, all at once, as
# relayed_vs_nmap.sh does: one nmap alone takes minutes) must agree with
# the truth, up to its one known flaw (compare_nmap.py). Prints both times.
source "$(dirname "$(readlink -f "$0")")/common.sh"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
relay=anonymous:x@198.18.3.21
net=198.19.0.0/28
lab_ports=21,22,25,53,80,110,443,6379,8080,8443
high_ports=6379,8080,8443,53053

"$LAB" up
"$LAB" truth --scan b --targets "$net" "$high_ports" > "$work/truth"

start=$(date +%s.%N)
"$LAB" exec "$BIN" -n -Pn --reason -b "$relay" -p "$lab_ports,53053" -oX "$work/b.xml" -oJ "$work/b.jsonl" \
  -oN "$work/b.nmap" "$net" > "$work/b.out" 2> "$work/b.err" || { tail -n 5 "$work/b.err"; fail "-b exited non-zero"; }
ours=$(echo "$(date +%s.%N) - $start" | bc)
tail -n 1 "$work/b.err"
[[ $(grep -c "refuses to connect to privileged ports (500 OOPS: Illegal port request)" "$work/b.err") == 1 ]] \
  || fail "no single warning about the privileged ports: $(head -n 3 "$work/b.err")"
grep -q "112 skipped;" "$work/b.err" || fail "expected 16 × 7 privileged ports skipped: $(tail -n 1 "$work/b.err")"
if grep -E '"port":(21|22|25|53|80|110|443),' "$work/b.jsonl" | grep -q '"state"'; then
  fail "a port below 1024 was reported: $(grep -E '"port":(21|22|25|53|80|110|443),' "$work/b.jsonl" | head -n 1)"
fi
python3 "$SRC/tests/lab/sweep_compare.py" --scan b --all "$work/truth" "$work/b.jsonl" | sed 's/^/-b: /' \
  || fail "-b differs from the truth"
open_truth=$(grep -c " open " "$work/truth")
[[ $(grep -c '<state state="open" reason="no-response"' "$work/b.xml") == "$open_truth" ]] \
  || fail "-b's XML does not hold the truth's $open_truth open ports with reason no-response"
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/b.xml" || fail "-b: XML is not valid"
grep -q '<scaninfo type="bounce" protocol="tcp"' "$work/b.xml" || fail "-b: no bounce scaninfo"
[[ $(grep -c '<status state="up" reason="user-set"' "$work/b.xml") == 16 ]] || fail "-Pn: expected all 16 targets up"
grep -q "open  *redis *no-response" "$work/b.nmap" || fail "--reason: no 'open redis no-response' line in -oN"

# A wrong password: one line, exit 1, nothing scanned.
if "$LAB" exec "$BIN" -n -Pn -b bounce:wrong@198.18.3.21 -p 8080 198.19.0.1 > /dev/null 2> "$work/login.err"; then
  fail "a refused login exited 0"
fi
grep -q "refuses the login of user \"bounce\" with that password (530 Login incorrect.)" "$work/login.err" \
  || fail "refused login: $(head -n 2 "$work/login.err")"
# The local user works like anonymous.
"$LAB" exec "$BIN" -n -Pn -b bounce:bounce@198.18.3.21 -p 6379 -oJ "$work/user.jsonl" 198.19.0.1 > /dev/null 2>&1 \
  || fail "-b bounce:bounce@ failed"
grep -q '"port":6379,.*"state":"open"' "$work/user.jsonl" || fail "-b bounce:bounce@: 198.19.0.1:6379 not open"
echo "ok   refused login is one line; the relay's local user scans too"

# nmap -b, one process per host (one alone waits 7 s for banners and 3 s per dropped port).
start=$(date +%s.%N)
for i in $(seq 0 15); do
  "$LAB" exec nmap -n -Pn -b "$relay" -p "$high_ports" -oX "$work/nmap-$i.xml" "198.19.0.$i" > /dev/null 2>&1 &
done
wait
theirs=$(echo "$(date +%s.%N) - $start" | bc)
python3 "$SRC/tests/lab/compare_nmap.py" "$work/truth" "$work"/nmap-*.xml --scan b | sed 's/^/nmap -b: /' \
  || fail "nmap -b differs from the truth"
printf 'ok   -b equals the truth and nmap -b; portsweep %.2f s (%s, 8 sessions), nmap %.2f s (%s, 16 processes)\n' \
  "$ours" "$net × $lab_ports,53053" "$theirs" "$net × $high_ports"
