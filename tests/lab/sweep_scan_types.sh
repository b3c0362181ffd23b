#!/usr/bin/env bash
# Every scan type of the engine over the lab's whole class-B, each compared
# with the truth for that type (scripts/lab truth --scan TYPE): every
# answered port or protocol in the state and with the reason the truth says,
# nothing extra, XML valid against nmap.dtd. Then -sS and -sU in one command:
# both tables, one permutation.
source "$(dirname "$(readlink -f "$0")")/common.sh"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
tcp_ports=21,22,25,53,80,443,8080
udp_ports=53,123,161
protocols=1,2,4,6,17,47,50,51,103,132

"$LAB" up

sweep() {  # NAME TRUTH-SCAN TRUTH-PORTS PORTSWEEP-ARGS...
  local name=$1 scan=$2 spec=$3
  shift 3
  "$LAB" truth --scan "$scan" "$spec" > "$work/$name.truth"
  "$LAB" exec "$BIN" "$@" -n -Pn --rate 300000 -e ps-scan0 -oX "$work/$name.xml" -oJ "$work/$name.jsonl" \
    198.19.0.0/16 > "$work/$name.out" 2> "$work/$name.err" \
    || { tail -n 5 "$work/$name.err"; fail "$name: portsweep exited non-zero"; }
  python3 "$SRC/tests/lab/sweep_compare.py" "$work/$name.truth" "$work/$name.jsonl" | sed "s/^/$name: /" \
    || fail "$name differs from the truth"
  xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/$name.xml" || fail "$name: XML is not valid"
  grep -q "rejected cookies" "$work/$name.err" || fail "$name: no summary"
}

for type in sS sA sW sM sN sF sX; do
  sweep "$type" "$type" "T:$tcp_ports" "-$type" -p "$tcp_ports"
done
# --retry-silent: some hosts answer -sU on port 53 alone (123 and 161 are
# dropped), so if the one reply is lost (dnsmasq's socket buffer on a loaded
# machine) the host has answered nothing, and the default retry pass skips it.
sweep sU sU "U:$udp_ports" -sU -p "$udp_ports" --retry-silent
sweep sO sO "$protocols" -sO -p "$protocols"
sweep sS-sU sS,sU "T:$tcp_ports,U:$udp_ports" -sS -sU -p "T:$tcp_ports,U:$udp_ports"

# The DNS server answers on every live host: -sU finds it on each one.
dns=$(grep -c '"proto":"udp","port":53,"state":"open"' "$work/sU.jsonl" || true)
live=$("$LAB" truth --live | wc -l)
[[ $dns -gt 0 && $dns == $(awk '$2 == "udp" && $3 == 53 && $4 == "open"' "$work/sU.truth" | wc -l) ]] \
  || fail "-sU found DNS on $dns hosts; the truth has it open on $(awk '$2 == "udp" && $3 == 53 && $4 == "open"' "$work/sU.truth" | wc -l) of $live live hosts"
grep -q "PORT .*STATE" "$work/sS-sU.out" && grep -q "/udp " "$work/sS-sU.out" && grep -q "/tcp " "$work/sS-sU.out" \
  || fail "-sS -sU: the normal output lacks one of the two tables"
grep -q '<scaninfo type="syn" protocol="tcp"' "$work/sS-sU.xml" && grep -q '<scaninfo type="udp" protocol="udp"' "$work/sS-sU.xml" \
  || fail "-sS -sU: the XML lacks a scaninfo"
echo "ok   every scan type equals the truth over the class-B; -sU finds DNS on $dns hosts"
