#!/usr/bin/env bash
# The passive OS hint (--os-hint) in the lab: a class-B sweep gives every
# host that answered a SYN-ACK or a reset exactly one hint, and a Linux one
# (every class-B host is the target namespace's Linux); on the LAN each
# host's hint agrees with the sysctls and route of its own namespace, read
# here while the lab is up (initial TTL, MSS, window; labels by TTL). Off by
# default and with --no-os-hint; refused where no TCP reply can come.
source "$(dirname "$(readlink -f "$0")")/common.sh"
HERE=$(dirname "$(readlink -f "$0")")
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}

"$LAB" up

"$LAB" exec "$BIN" --os-hint -sS -n -Pn --top-ports 10 --rate 100000 -e ps-scan0 \
  -oJ "$work/b.jsonl" 198.19.0.0/16 > /dev/null 2> "$work/b.err" \
  || { cat "$work/b.err"; fail "the class-B sweep exited non-zero"; }
python3 "$HERE/os_hint_check.py" classb "$work/b.jsonl" || fail "class-B hints"
echo "ok   class-B: one Linux hint per host that answered"

# The LAN: each host's personality, from its own namespace.
for ns in $(ip netns list | awk '{ print $1 }' | grep -E '^ps-lan-h[0-9]+$'); do
  addr=$(ip -n "$ns" -4 -o addr show dev eth0 | awk '{ split($4, a, "/"); print a[1] }')
  advmss=$(ip -n "$ns" route show 198.18.1.0/24 | sed -n 's/.*advmss \([0-9]*\).*/\1/p')
  echo "$addr $(ip netns exec "$ns" sysctl -n net.ipv4.ip_default_ttl net.ipv4.tcp_timestamps \
    net.ipv4.tcp_window_scaling net.ipv4.tcp_sack net.ipv4.tcp_ecn | tr '\n' ' ') \
    $(ip netns exec "$ns" sysctl -n net.ipv4.tcp_rmem | awk '{ print $2 }') ${advmss:-1460}"
done > "$work/personalities.txt"
cat "$work/personalities.txt"
"$LAB" exec "$BIN" --os-hint -sS -n -Pn -p 21,22,25,80,443,8080 --rate 20000 -e ps-scan1 --exclude 198.18.1.1 \
  -oJ "$work/lan.jsonl" -oN "$work/lan.txt" -oX "$work/lan.xml" 198.18.1.0/24 > /dev/null 2> "$work/lan.err" \
  || { cat "$work/lan.err"; fail "the LAN sweep exited non-zero"; }
grep "OS hint" "$work/lan.txt" || true
python3 "$HERE/os_hint_check.py" lan "$work/lan.jsonl" "$work/personalities.txt" || fail "LAN hints"
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/lan.xml" || fail "XML is not valid"
echo "ok   LAN: every host's hint agrees with its sysctls"

# Off by default and with --no-os-hint.
for opt in "" --no-os-hint; do
  "$LAB" exec "$BIN" $opt -sS -n -Pn -p 22 --rate 20000 -e ps-scan1 --exclude 198.18.1.1 \
    -oJ "$work/off.jsonl" 198.18.1.0/24 > /dev/null 2> "$work/off.err" || fail "a sweep with '$opt' failed"
  ! grep -q '"os_hint"' "$work/off.jsonl" || fail "a hint with '$opt'"
done
echo "ok   no hint by default or with --no-os-hint"

# Refused where no SYN-ACK or reset comes back, with one line and status 2.
refused() {
  local want=$1
  shift
  set +e
  "$LAB" exec "$BIN" "$@" > /dev/null 2> "$work/refused.err"
  local rc=$?
  set -e
  [[ $rc == 2 ]] || fail "'$*' exited $rc, expected 2"
  [[ $(wc -l < "$work/refused.err") == 1 ]] || { cat "$work/refused.err"; fail "'$*': not one line"; }
  grep -q -- "$want" "$work/refused.err" || { cat "$work/refused.err"; fail "'$*': expected '$want'"; }
}
refused "this scan has no TCP scan type" --os-hint -sU -n -Pn -p 53 -e ps-scan1 198.18.1.10
refused "this scan has no port sweep (-sn)" --os-hint -sn -n -e ps-scan1 198.18.1.10
refused "a connect scan (-sT) receives none" --os-hint -sT -n -Pn -p 22 198.18.1.10
refused "contradict each other" --os-hint --no-os-hint -n -Pn -p 22 198.18.1.10
echo "ok   refused with -sU, -sn, -sT, and beside --no-os-hint"
