#!/usr/bin/env bash
# Debian's nmap, run inside the scanner namespace, must see exactly what
# `scripts/lab truth` says, port by port, state and reason: for every scan
# type (-sS -sA -sW -sM -sN -sF -sX -sU -sO) on the class-B, and on the LAN,
# where it must also find every host by ARP.
# shellcheck source=tests/lab/common.sh
source "$(dirname "$(readlink -f "$0")")/common.sh"
COMPARE="$SRC/tests/lab/compare_nmap.py"
t_start=$EPOCHREALTIME

"$LAB" up

# run_compare SCAN PORTS TARGET_LIST NMAP_ARGS…: nmap -SCAN on the targets,
# then the truth of the same scan, compared line by line.  Every state and
# reason the lab can produce for SCAN must be among them (--require-states),
# except on the LAN, which has no firewall.
failed=()
runs=0
run_compare() {
    local scan=$1 ports=$2 targets=$3 t0=$EPOCHREALTIME
    shift 3
    local -a require=(--require-states)
    [[ $targets == 198.18.1.* ]] && require=()
    local out=$work/$((++runs))-$scan
    # shellcheck disable=SC2086 # the target list is meant to split
    "$LAB" exec nmap -n -Pn "-$scan" "$@" -p "$ports" -oX "$out.xml" ${targets//,/ } >/dev/null
    "$LAB" truth --scan "$scan" --targets "$targets" "$ports" >"$out.truth"
    echo "== -$scan of $targets × $ports ($(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s)"
    python3 "$COMPARE" "$out.truth" "$out.xml" --scan "$scan" "${require[@]}" ||
        failed+=("-$scan of $targets")
}

# nmap's own timing for the SYN and UDP scans; for the rest, a floor on the
# rate and one retry (the veth loses nothing) keep the test short.
fast=(-T4 --max-retries 1 --min-rate 3000)

# TCP: every lab port, plus 53053 (the TCP DNS plumbing's internal port, which
# must look closed), on the first /24 (pinned hosts) and three /26s elsewhere.
tcp_ports=21,22,25,53,80,110,443,6379,8080,8443,53053
tcp_targets=198.19.0.0/24,198.19.77.64/26,198.19.200.128/26,198.19.255.192/26
run_compare sS "$tcp_ports" "$tcp_targets" -T4
for scan in sA sW sM sN sF sX; do
    run_compare "$scan" "$tcp_ports" "$tcp_targets" "${fast[@]}"
done

# UDP with nmap's timing is slow (silent ports are retried), so a sample:
# the pinned hosts 198.19.0.1-5, .10 and .14 (the ICMP rejects), the first 12
# live and first 6 dead hosts of 198.19.42.0/24; then every lab port and
# nmap's -sO port on the /24 fast.
mapfile -t udp_sample < <(
    printf '%s\n' 198.19.0.1 198.19.0.2 198.19.0.3 198.19.0.4 198.19.0.5 198.19.0.10 198.19.0.14
    "$LAB" truth --live --targets 198.19.42.0/24 | head -12
    "$LAB" truth --dead --targets 198.19.42.0/24 | head -6)
run_compare sU U:53,123,161 "$(IFS=,; echo "${udp_sample[*]}")" -T4
run_compare sU U:53,123,161,40125 198.19.0.0/24 "${fast[@]}"

# IP protocols: all 256 on the first /64 addresses (pinned hosts), the
# overridden and kernel-handled ones on the TCP targets.
run_compare sO 0-255 198.19.0.0/26 "${fast[@]}"
run_compare sO 0-6,17,41,47,50,51,103,132,136,255 "$tcp_targets" "${fast[@]}"

# The LAN (the scanner's own address excluded: it has no truth).
lan_ports=21,22,25,53,80,443,8080,8443
run_compare sS "$lan_ports" 198.18.1.0/24 -T4 --exclude 198.18.1.1
run_compare sA "$lan_ports" 198.18.1.0/24 "${fast[@]}" --exclude 198.18.1.1
run_compare sU U:7,53 198.18.1.0/24 "${fast[@]}" --exclude 198.18.1.1
run_compare sO 0-255 "$("$LAB" truth --live --targets 198.18.1.0/24 | paste -sd,)" "${fast[@]}"
echo "== -sn of 198.18.1.0/24"
"$LAB" exec nmap -n -sn -oX "$work/sn.xml" 198.18.1.0/24 >/dev/null
python3 "$SRC/tests/lab/check_arp_discovery.py" "$work/sn.xml" || failed+=("-sn of the LAN")

mapfile -t pids < <(lab_pids)
"$LAB" down
assert_clean "${pids[@]}"
((${#failed[@]} == 0)) || fail "nmap differs from the truth in: ${failed[*]}"
echo "ok   all in $(awk -v a="$t_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s"
