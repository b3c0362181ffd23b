#!/usr/bin/env bash
# The lab's routed segment against Debian's nmap 7.93: traceroute finds the
# hops `truth --trace` says; the zombie (198.18.3.10) keeps one IP ID
# counter and is quiet, and nmap's idle scan through it sees what `truth
# --scan sI` says; the FTP bounce relay (198.18.3.21) speaks the dialogue
# lab/README.md documents, and nmap's bounce scan through it sees what
# `truth --scan b` says.  Takes about two minutes, most of it -sI.
# shellcheck source=tests/lab/common.sh
source "$(dirname "$(readlink -f "$0")")/common.sh"
COMPARE="$SRC/tests/lab/compare_nmap.py"
t_start=$EPOCHREALTIME
secs() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
failed=()

"$LAB" up

echo "== traceroute to the routed segment"
t0=$EPOCHREALTIME
routed=(198.18.2.1 198.18.2.2 198.18.3.1 198.18.3.10 198.18.3.21)
"$LAB" exec nmap -n -Pn -sS -p 80 --traceroute -oX "$work/trace.xml" "${routed[@]}" >/dev/null
"$LAB" truth --trace >"$work/trace.truth"
python3 - "$work/trace.xml" >"$work/trace.nmap" <<'EOF'
import sys, xml.etree.ElementTree as ET
for host in ET.parse(sys.argv[1]).getroot().iter("host"):
    addr = host.find("address").get("addr")
    for hop in host.iter("hop"):
        print(addr, "hop", hop.get("ttl"), hop.get("ipaddr"))
EOF
if diff <(sort "$work/trace.truth") <(sort "$work/trace.nmap"); then
    echo "ok   $(wc -l <"$work/trace.truth") hops as the truth says ($(secs "$t0") s)"
else
    failed+=("traceroute")
fi
grep -qx "198.18.3.10 hop 3 198.18.3.10" "$work/trace.nmap" || failed+=("zombie not 3 hops away")

echo "== the zombie"
# Quiet: its IP ID counter (the nftables rule's packet count) stands still
# while nobody asks it anything.
zombie_count() { ip netns exec ps-zombie nft list chain ip portsweep_zombie output | grep -o 'packets [0-9]*'; }
before=$(zombie_count)
sleep 2
after=$(zombie_count)
if [[ $before == "$after" ]]; then echo "ok   quiet for 2 s ($after sent so far)"; else
    failed+=("zombie sent packets unasked: $before, then $after")
fi

# Idle scan: the first /28 (pinned hosts) × the TCP lab ports.
ports=21,22,25,53,80,110,443,6379,8080,8443
targets=198.19.0.0/28
t0=$EPOCHREALTIME
"$LAB" exec nmap -n -Pn -sI 198.18.3.10:80 -p "$ports" -oX "$work/sI.xml" "$targets" >"$work/sI.out"
echo "== -sI of $targets × $ports ($(secs "$t0") s)"
grep -q "^Idle scan using zombie 198.18.3.10 (198.18.3.10:80); Class: Incremental$" "$work/sI.out" ||
    failed+=("-sI: zombie not incremental: $(head -3 "$work/sI.out")")
"$LAB" truth --scan sI --targets "$targets" "$ports" >"$work/sI.truth"
python3 "$COMPARE" "$work/sI.truth" "$work/sI.xml" --scan sI --require-states || failed+=("-sI of $targets")

echo "== the FTP bounce relay"
# The dialogue, on one open, one closed and one dropped port.
"$LAB" exec python3 "$SRC/tests/lab/ftp_relay_check.py" \
    198.19.0.1:6379 198.19.0.1:8080 198.19.0.5:6379 || failed+=("FTP relay dialogue")

# Bounce scan.  vsftpd connects to no port below 1024, so: the lab ports
# above it and the TCP DNS plumbing's internal port; the first /28, and the
# first host of 198.19.0.0/20 for each way those ports answer a SYN (each
# ICMP reject, reset, drop).  nmap's -b asks one port at a time and a
# dropped one costs the relay's 3 s connect timeout, so one nmap per host,
# all at once.
bports=6379,8080,8443,53053
mapfile -t sample < <("$LAB" truth --live-only --targets 198.19.0.0/20 "$bports" |
    awk '!seen[$4 " " $5]++ { print $1 }' | sort -u)
mapfile -t bhosts < <(printf '%s\n' 198.19.0.{0..15} "${sample[@]}" | sort -t. -k3,3n -k4,4n -u)
t0=$EPOCHREALTIME
for host in "${bhosts[@]}"; do
    "$LAB" exec nmap -n -Pn -b anonymous:x@198.18.3.21 -p "$bports" \
        -oX "$work/b-$host.xml" "$host" >"$work/b-$host.out" 2>&1 &
done
wait
echo "== -b of ${#bhosts[@]} hosts × $bports ($(secs "$t0") s)"
"$LAB" truth --scan b --targets "$(IFS=,; echo "${bhosts[*]}")" "$bports" >"$work/b.truth"
python3 "$COMPARE" "$work/b.truth" "$work"/b-*.xml --scan b --require-states || failed+=("-b")
if "$LAB" truth --scan b --targets 198.19.0.1 80 >/dev/null 2>&1; then
    failed+=("truth --scan b gave a truth for a port below 1024")
fi

mapfile -t pids < <(lab_pids)
"$LAB" down
assert_clean "${pids[@]}"
((${#failed[@]} == 0)) || fail "${failed[*]}"
echo "ok   all in $(secs "$t_start") s"
