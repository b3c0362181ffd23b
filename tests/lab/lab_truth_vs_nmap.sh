#!/usr/bin/env bash
# Debian's nmap, run inside the scanner namespace, must see exactly what
# `scripts/lab truth` says, port by port, state and reason.
# shellcheck source=tests/lab/common.sh
source "$(dirname "$(readlink -f "$0")")/common.sh"
COMPARE="$SRC/tests/lab/compare_nmap.py"

"$LAB" up

# TCP: every lab port, plus 53053 (the TCP DNS plumbing's internal port, which
# must look closed), on the first /24 (pinned hosts) and three /26s elsewhere.
tcp_ports=21,22,25,53,80,110,443,6379,8080,8443,53053
tcp_targets=(198.19.0.0/24 198.19.77.64/26 198.19.200.128/26 198.19.255.192/26)
"$LAB" exec nmap -n -Pn -sS -T4 -p "$tcp_ports" -oX "$work/tcp.xml" "${tcp_targets[@]}" >/dev/null
"$LAB" truth --targets "$(IFS=,; echo "${tcp_targets[*]}")" "T:$tcp_ports" >"$work/tcp.truth"
echo "== TCP SYN scan of ${tcp_targets[*]}"
python3 "$COMPARE" "$work/tcp.truth" "$work/tcp.xml" --require-states

# UDP is slow (silent ports are retried), so a sample: the pinned hosts
# 198.19.0.1-5, the first 12 live and first 6 dead hosts of 198.19.42.0/24.
udp_ports=53,123,161
mapfile -t udp_targets < <(
    printf '%s\n' 198.19.0.1 198.19.0.2 198.19.0.3 198.19.0.4 198.19.0.5
    "$LAB" truth --live --targets 198.19.42.0/24 | head -12
    "$LAB" truth --dead --targets 198.19.42.0/24 | head -6)
"$LAB" exec nmap -n -Pn -sU -T4 -p "$udp_ports" -oX "$work/udp.xml" "${udp_targets[@]}" >/dev/null
"$LAB" truth --targets "$(IFS=,; echo "${udp_targets[*]}")" "U:$udp_ports" >"$work/udp.truth"
echo "== UDP scan of ${#udp_targets[@]} hosts"
python3 "$COMPARE" "$work/udp.truth" "$work/udp.xml" --require-states

mapfile -t pids < <(lab_pids)
"$LAB" down
assert_clean "${pids[@]}"
