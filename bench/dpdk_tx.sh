#!/usr/bin/env bash
# The DPDK transmit path against two references, in one run on the lab:
#
#  1. NIC benchmark: `portsweep --bench-tx --io dpdk` against DPDK's own
#     traffic generator, `dpdk-testpmd --forward-mode=txonly`, on the same
#     virtual device (net_af_xdp on ps-scan0), both sending frames of the same
#     length to a dead lab host (198.19.0.5: the target's firewall drops them,
#     so its replies do not compete for the CPU). Target: >= 95 %.
#  2. A real SYN sweep of 198.19.0.0/16 through DPDK against Debian's masscan
#     (libpcap), with one TX thread (AF_XDP) and with two (AF_PACKET through
#     DPDK, a socket per thread). Target: >= 2.5x.
#
# Every rate is what the target's interface received during a steady window
# (after a warm-up, before the end), counted by the kernel on the far side of
# the veth: frames a tool counted as sent but the kernel dropped do not count,
# and start-up time (EAL, masscan's set-up) is left out for everyone.
#
# The tools take turns within each round, so a slow stretch of the shared
# machine hits both. Part 1 reports every round and compares the MEDIANS (one
# lucky round does not decide it, as a best-of would let it); part 2 the best
# of each.
#
# Needs root and a build with DPDK. Holds /tmp/portsweep-lab.lock for the
# whole run (about two minutes a part at 5 rounds; PORTSWEEP_LAB_LOCKED=1 when
# the caller holds it already) and always takes the lab down.
#   PORTSWEEP=build-x/portsweep ROUNDS=5 WINDOW=5 PART=1 bench/dpdk_tx.sh
# PART=1 or PART=2 runs that part alone. PORTSWEEP_DPDK_TX=copy (passed on to
# portsweep) measures its copying transmit path instead of the zero-copy one;
# PS_TX="lend copy" measures both in part 1, taking turns in every round.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
BIN=$(readlink -f "${PORTSWEEP:-build/portsweep}")
ROUNDS=${ROUNDS:-5}
PART=${PART:-all}
WARMUP=${WARMUP:-3}
WINDOW=${WINDOW:-5}
DEAD_HOST=198.19.0.5
SCAN_IP=198.18.0.1
SCAN_MAC=02:50:53:00:00:01
TGT_MAC=02:50:53:00:00:02
SWEEP_PORTS=1-200

die() { echo "bench/dpdk_tx.sh: $*" >&2; exit 1; }
[[ $EUID -eq 0 ]] || die "needs root (the lab's namespaces, DPDK)"
[[ -x $BIN ]] || die "no portsweep at $BIN (set PORTSWEEP=)"
"$BIN" --version | grep -q 'backends:.*dpdk' || die "$BIN was built without DPDK"
[[ $PART == all || $PART == 1 || $PART == 2 ]] || die "PART is \"$PART\": expected 1, 2 or all"
command -v dpdk-testpmd >/dev/null || die "dpdk-testpmd missing: apt-get install dpdk-dev"
[[ $PART == 1 ]] || command -v masscan >/dev/null || die "masscan missing: apt-get install masscan"

work=$(mktemp -d /tmp/pd-bench.XXXXXX)
testpmd_prefix=pd-testpmd-$$
if [[ -z ${PORTSWEEP_LAB_LOCKED:-} ]]; then
    exec 9>/tmp/portsweep-lab.lock
    flock -w 900 9 || die "the lab stayed locked for 15 minutes"
fi
cleanup() {
    "$SRC/scripts/lab" down >/dev/null 2>&1 || true
    # testpmd leaves EAL's runtime directory behind; portsweep removes its own.
    rm -rf "/var/run/dpdk/$testpmd_prefix"
    rmdir /var/run/dpdk 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
"$SRC/scripts/lab" up 2>&1 | tail -n 1

target_rx() { ip -n ps-target -s link show ps-tgt0 | awk 'f { print $2; exit } /RX:/ { f = 1 }'; }

# window_rate LOG CMD...: runs CMD in the scanner namespace, waits WARMUP s,
# counts what the target receives over WINDOW s, stops CMD with SIGINT (its
# clean stop), and prints packets/s.
window_rate() {
    local log=$1
    shift
    (cd "$work" && exec ip netns exec ps-scan "$@") >"$log" 2>&1 &
    local pid=$!
    sleep "$WARMUP"
    local c1 t1 c2 t2
    c1=$(target_rx)
    t1=$(date +%s.%N)
    sleep "$WINDOW"
    c2=$(target_rx)
    t2=$(date +%s.%N)
    kill -INT "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    kill -0 "$pid" 2>/dev/null && die "process $pid ignored SIGINT"
    awk -v a="$c1" -v b="$c2" -v s="$t1" -v e="$t2" 'BEGIN { printf "%.0f\n", (b - a) / (e - s) }'
}

mpps() { awk -v r="$1" 'BEGIN { printf "%.3f Mpps", r / 1e6 }'; }
best() { printf '%s\n' "$@" | sort -n | tail -n 1; }
# The median of the arguments (the mean of the middle two for an even count).
median() {
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
        if (NR % 2) printf "%.0f\n", v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

if [[ $PART != 2 ]]; then
echo
echo "== 1. NIC benchmark on net_af_xdp (ps-scan0): frames delivered to the target per second"
# PS_TX="lend copy" runs portsweep once per transmit path in every round
# (PORTSWEEP_DPDK_TX), for a before/after within one run.
read -r -a modes <<<"${PS_TX:-${PORTSWEEP_DPDK_TX:-lend}}"
echo "  portsweep's transmit path: ${modes[*]} (PORTSWEEP_DPDK_TX), $ROUNDS rounds"
declare -A ps_rates
pmd_rates=()
frame_len=58
for ((round = 1; round <= ROUNDS; round++)); do
    for mode in "${modes[@]}"; do
        r=$(PORTSWEEP_DPDK_TX=$mode window_rate "$work/bench.log" "$BIN" --bench-tx --io dpdk -e ps-scan0 \
            --duration 600 -p 80 "$DEAD_HOST")
        grep -q 'through net_af_xdp' "$work/bench.log" || { cat "$work/bench.log"; die "portsweep did not get AF_XDP"; }
        frame_len=$(sed -n 's/.* SYN frames of \([0-9]*\) bytes.*/\1/p' "$work/bench.log" | head -n 1)
        ps_rates[$mode]+=" $r"
        printf '  round %d  portsweep --bench-tx --io dpdk (%s)  %s  (its own count: %s)\n' "$round" "$mode" \
            "$(mpps "$r")" "$(grep -o 'total *[0-9.]* Mpps' "$work/bench.log" | tail -n 1 | awk '{print $2}') Mpps"
    done

    r=$(window_rate "$work/testpmd.log" dpdk-testpmd --no-pci --no-huge -m 512 --no-shconf \
        --file-prefix "$testpmd_prefix" -l 0,1 --vdev "net_af_xdp0,iface=ps-scan0" -- \
        --forward-mode=txonly --stats-period 1 --total-num-mbufs=16384 --txpkts="$frame_len" \
        --tx-ip="$SCAN_IP,$DEAD_HOST" --eth-peer="0,$TGT_MAC")
    pmd_rates+=("$r")
    printf '  round %d  dpdk-testpmd --forward-mode=txonly  %s  (its own count: %s pps)\n' "$round" \
        "$(mpps "$r")" "$(grep -o 'Tx-pps: *[0-9]*' "$work/testpmd.log" | tail -n 1 | awk '{print $2}')"
    for mode in "${modes[@]}"; do
        awk -v a="${ps_rates[$mode]##* }" -v b="$r" -v k="$round" -v m="$mode" \
            'BEGIN { printf "  round %d  portsweep (%s) / testpmd: %.1f %%\n", k, m, (b > 0 ? 100 * a / b : 0) }'
    done
    rm -rf "/var/run/dpdk/$testpmd_prefix"
done
pmd_median=$(median "${pmd_rates[@]}")
for mode in "${modes[@]}"; do
    # shellcheck disable=SC2086 # the list is space-separated on purpose
    awk -v a="$(median ${ps_rates[$mode]})" -v b="$pmd_median" -v n="$frame_len" -v k="$ROUNDS" -v m="$mode" 'BEGIN {
        r = b > 0 ? a / b : 0
        printf "  median of %d rounds, %d-byte frames: portsweep (%s) %.3f Mpps, testpmd %.3f Mpps: ratio of medians %.3f (target >= 0.95): %s\n",
            k, n, m, a / 1e6, b / 1e6, r, (r >= 0.95 ? "met" : "MISSED") }'
done
fi
[[ $PART == 1 ]] && exit 0

echo
echo "== 2. SYN sweep of 198.19.0.0/16, ports $SWEEP_PORTS: probes per second while sweeping"
# portsweep twice: with the default TX threads (one on two cores: AF_XDP), and
# with two, for which portsweep picks AF_PACKET through DPDK (a veth has one
# AF_XDP channel, so two threads would share one socket).
declare -A rates
configs=("dpdk-1" "dpdk-2" "masscan")
for ((round = 1; round <= ROUNDS; round++)); do
    for cfg in "${configs[@]}"; do
        case $cfg in
        dpdk-*)
            r=$(window_rate "$work/sweep.log" "$BIN" -sS -n -Pn -p "$SWEEP_PORTS" --rate 100000000 \
                --max-retries 0 --tx-threads "${cfg#dpdk-}" --io dpdk -e ps-scan0 -oN /dev/null \
                198.19.0.0/16)
            driver=$(grep -o 'through net_[a-z_]*' "$work/sweep.log" | head -n 1 | cut -d' ' -f2)
            label="portsweep -sS --io dpdk --tx-threads ${cfg#dpdk-} ($driver)"
            rm -f "$work/portsweep.resume"
            ;;
        masscan)
            r=$(window_rate "$work/masscan.log" masscan 198.19.0.0/16 -p "$SWEEP_PORTS" \
                --rate 100000000 --wait 0 --adapter ps-scan0 --adapter-ip "$SCAN_IP" \
                --adapter-mac "$SCAN_MAC" --router-mac "$TGT_MAC" -oL /dev/null)
            label="masscan (libpcap)"
            rm -f "$work/paused.conf"
            ;;
        esac
        rates[$cfg]+=" $r"
        printf '  round %d  %-58s %s\n' "$round" "$label" "$(mpps "$r")"
    done
done
# shellcheck disable=SC2086 # the lists are space-separated on purpose
mc_best=$(best ${rates[masscan]})
for cfg in dpdk-1 dpdk-2; do
    # shellcheck disable=SC2086
    awk -v a="$(best ${rates[$cfg]})" -v b="$mc_best" -v t="${cfg#dpdk-}" 'BEGIN {
        r = a / b
        printf "  best of each, %s TX thread%s: portsweep %.3f Mpps, masscan %.3f Mpps: %.2fx (target >= 2.5x): %s\n",
            t, (t == 1 ? "" : "s"), a / 1e6, b / 1e6, r, (r >= 2.5 ? "met" : "MISSED") }'
done
