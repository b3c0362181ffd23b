#!/usr/bin/env bash
# Debian's nmap, run inside the scanner namespace, must see exactly what
# `scripts/lab truth` says, port by port, state and reason: for every scan
# type (-sS -sA -sW -sM -sN -sF -sX -sU -sO) on the class-B, and on the LAN,
# where it must also find every host by ARP.  Then host discovery (-sn): the
# hosts nmap finds up, and why, with its default probes and each probe alone
# on a /20 of the class-B, and on the LAN, must be those of
# `scripts/lab truth --discovery PROBES`.
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
    python3 "$COMPARE" "$out.truth" "$out.xml" --scan "$scan" "${require[@]}" && return
    # With one retry, a probe and its retry both lost on a loaded machine
    # read as a silent port (CI saw it once, for -sO).  The lab must match at
    # nmap's own timing; the fast run only saves time when nothing is lost.
    [[ " $* " == *" --max-retries 1 "* ]] || { failed+=("-$scan of $targets"); return; }
    local -a own=()
    while (($#)); do
        case $1 in --max-retries | --min-rate) shift 2 ;; *) own+=("$1"); shift ;; esac
    done
    echo "   again at nmap's own timing: ${own[*]}"
    # shellcheck disable=SC2086 # the target list is meant to split
    "$LAB" exec nmap -n -Pn "-$scan" "${own[@]}" -p "$ports" -oX "$out.xml" ${targets//,/ } >/dev/null
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
# nmap's own timing: with one retry at 3000 pps, nmap 7.93 took 17 of the 108
# hosts' echo replies to its protocol 1 probes for silence, in two CI runs
# (3 even at -T4: compare_nmap.py counts those, up to a quarter).
run_compare sO 0-6,17,41,47,50,51,103,132,136,255 "$tcp_targets" -T4

# The LAN (the scanner's own address excluded: it has no truth).
lan_ports=21,22,25,53,80,443,8080,8443
run_compare sS "$lan_ports" 198.18.1.0/24 -T4 --exclude 198.18.1.1
run_compare sA "$lan_ports" 198.18.1.0/24 "${fast[@]}" --exclude 198.18.1.1
run_compare sU U:7,53 198.18.1.0/24 "${fast[@]}" --exclude 198.18.1.1
run_compare sO 0-255 "$("$LAB" truth --live --targets 198.18.1.0/24 | paste -sd,)" "${fast[@]}"
echo "== -sn of 198.18.1.0/24"
"$LAB" exec nmap -n -sn -oX "$work/sn.xml" 198.18.1.0/24 >/dev/null
python3 "$SRC/tests/lab/check_arp_discovery.py" "$work/sn.xml" || failed+=("-sn of the LAN")

# Host discovery.  run_discovery PROBES TARGETS [NMAP_ARGS…]: nmap -sn with
# PROBES (nmap's options, e.g. "-PE -PS22,80"; "default": none, nmap's own
# set) on TARGETS, compared with `truth --discovery PROBES` (which reads the
# same spelling): the same hosts up, each with one of the reasons the truth
# allows (exactly the one when a single probe answers; with several, nmap
# credits whichever reply it reads first).
reasons_seen=()
run_discovery() {
    local probes=$1 targets=$2 t0=$EPOCHREALTIME
    shift 2
    local -a nmap_probes=() truth_flags=()
    [[ $probes == default ]] || read -ra nmap_probes <<<"$probes"
    [[ " $* " == *" --disable-arp-ping "* ]] && truth_flags+=(--disable-arp-ping)
    [[ " $* " == *" --data "* ]] && truth_flags+=(--udp-payloads)
    local out=$work/$((++runs))-sn
    # shellcheck disable=SC2086 # the target list is meant to split
    "$LAB" exec nmap -n -sn "${nmap_probes[@]}" "$@" -oX "$out.xml" ${targets//,/ } >/dev/null
    local secs
    secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
    "$LAB" truth --discovery="$probes" "${truth_flags[@]}" --targets "$targets" >"$out.truth"
    echo "== -sn $probes $* of $targets ($secs s)"
    python3 "$SRC/tests/lab/compare_discovery.py" "$out.truth" "$out.xml" ||
        failed+=("-sn $probes $* of $targets")
    mapfile -t -O "${#reasons_seen[@]}" reasons_seen < <(python3 -c '
import sys, xml.etree.ElementTree as ET
for s in ET.parse(sys.argv[1]).getroot().iter("status"):
    if s.get("state") == "up": print(s.get("reason"))' "$out.xml" | sort -u)
}

# The class-B: a /20 (4096 addresses, ~1000 up), nmap's -T4 timing.  -PM gets
# a rate floor: Linux never answers address mask requests, and with not one
# reply nmap's congestion window never opens (a /20 took 410 s without it).
sn_targets=198.19.0.0/20
for probes in default -PE -PP -PS443 -PA80 -PU -PO "-PE -PS22,80" "-PU53,161 -PA443 -PP"; do
    run_discovery "$probes" "$sn_targets" -T4
done
run_discovery -PM "$sn_targets" -T4 --min-rate 3000
# nmap 7.93's -PU datagrams are empty (it loads nmap-payloads only for -sU),
# which DNS ignores (the -PU53,161 run above finds no host by DNS); with
# nmap-payloads' DNS status request as --data, DNS answers (udp-response),
# as the truth says with --udp-payloads.
run_discovery -PU53 "$sn_targets" -T4 --data 000010000000000000000000
# The ICMP errors, one host at a time (the pinned hosts, lab/README.md):
# protocol and port unreachable from the target prove it up; net and host
# unreachable, net, host and admin prohibited do not (nmap 7.93 retires the
# probe and leaves the host's state alone: a hint, not proof, RFC 1122).
run_discovery "-PS25" 198.19.0.10 -T4                # proto-unreach: up
run_discovery "-PA53" 198.19.0.10 -T4                # port-unreach: up
run_discovery "-PU161" 198.19.0.10 -T4               # proto-unreach: up
run_discovery "-PO103" 198.19.0.13 -T4               # port-unreach: up
run_discovery "-PS21,22,80,110,443 -PU53,123" 198.19.0.10 -T4 --max-retries 1 # 0 1 9 10 13: down
run_discovery "-PO2,4,47,50,51,132" 198.19.0.13 -T4 --max-retries 1  # 13 drop 10 0 9 1: down
# The LAN: ARP whatever the probes (the truth says so too), and the probes
# themselves once nmap is told not to use ARP.
run_discovery default 198.18.1.0/24 -T4 --exclude 198.18.1.1
run_discovery "-PE -PU7" 198.18.1.0/24 -T4 --exclude 198.18.1.1
# (A /27 for the default probes: without ARP, every silent address costs
# nmap the kernel's failed neighbour resolution; the whole /24 took 23 s.)
run_discovery default 198.18.1.0/27 -T4 --disable-arp-ping --exclude 198.18.1.1
run_discovery -PU7 198.18.1.0/24 -T4 --disable-arp-ping --exclude 198.18.1.1  # udp-response
# Every reason nmap can give in the lab came up at least once.
for why in echo-reply timestamp-reply syn-ack reset port-unreach proto-unreach \
    proto-response udp-response arp-response; do
    printf '%s\n' "${reasons_seen[@]}" | grep -qx "$why" || failed+=("no host found up by $why")
done

mapfile -t pids < <(lab_pids)
"$LAB" down
assert_clean "${pids[@]}"
((${#failed[@]} == 0)) || fail "nmap differs from the truth in: ${failed[*]}"
echo "ok   all in $(awk -v a="$t_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s"
