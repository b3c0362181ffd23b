#!/usr/bin/env bash
# Issue 15 in one run on the lab: the class-B (198.19.0.0/16) x nmap's top
# PORTS_TOP ports, -sS -Pn, against
#
#  - the link's floor: the cells (addresses x ports, one probe each) divided
#    by what `dpdk-testpmd --forward-mode=txonly` delivers to the target per
#    second on the same veth (net_af_xdp on ps-scan0, counted by the target's
#    kernel over a steady window, as bench/dpdk_tx.sh counts it). Target:
#    portsweep's wall time <= 1.5x the floor, with results exactly the truth;
#  - masscan and zmap on the same work at the same --rate, each timed from
#    start to exit (cooldown WAIT s for all) and checked against the truth's
#    open ports. Debian 12's zmap (2.1.1) scans one port per run: it runs on
#    ZMAP_SAMPLE ports spread over the list's ranks and its time is scaled to
#    the whole list (said so in the table);
#  - the peak RSS of each portsweep sweep, and of the /16 x 65535-port sweep
#    over its first MEM_SECS (bench/memory_fullport.sh);
#  - what bounds the time: portsweep at full speed to the dead addresses
#    only (dropped by the target's firewall, as testpmd's frames are) and to
#    the live ones only (answered): the gap is the target kernel's answering,
#    which runs on the same two cores as the scanner.
#
# portsweep's results are held to the truth exactly (nothing missing, extra,
# or in another state or reason), with the semantics of
# tests/lab/sweep_compare.py, by sorted files: 16 M truth lines at the top
# 1000 ports do not fit that script's dictionaries in reasonable time.
#
#   sudo bench/line_rate.sh
#   sudo PORTS_TOP=50 MEM_SECS=5 bench/line_rate.sh          (a trial: ~1 min)
#
# Environment: PORTSWEEP (binary; default build/portsweep), PORTS_TOP (1000),
# RATE (pps for every scanner, default 180000: what the target's kernel
# answers on this 2-core machine), PS_RUNS (portsweep runs as IO:RATE, RATE a
# number or "max", or IO:RATE:THREADS for --tx-threads; default
# "dpdk:max pcap:max"), WAIT (cooldown s, 1),
# ZMAP_SAMPLE (20; 0 skips zmap), MASSCAN (1; 0 skips it), MEM_SECS (30; 0
# skips the full-port sweep), BOUND (1; 0 skips step 6), PMD_WINDOW (4 s) x PMD_ROUNDS (3),
# SWEEP_COMPARE_MAX (2000000: up to this many truth lines,
# tests/lab/sweep_compare.py checks each portsweep run too).
# Needs root, a DPDK build, dpdk-testpmd, masscan and zmap. Holds
# /tmp/portsweep-lab.lock for the whole run (PORTSWEEP_LAB_LOCKED=1 when the
# caller holds it) and always takes the lab down.
set -euo pipefail
SRC=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
LAB="$SRC/scripts/lab"
BIN=$(readlink -f "${PORTSWEEP:-${PORTSWEEP_BIN:-$SRC/build/portsweep}}")
PORTS_TOP=${PORTS_TOP:-1000}
RATE=${RATE:-180000}
PS_RUNS=${PS_RUNS:-"dpdk:max pcap:max"}
WAIT=${WAIT:-1}
ZMAP_SAMPLE=${ZMAP_SAMPLE:-20}
MASSCAN=${MASSCAN:-1}
MEM_SECS=${MEM_SECS:-30}
BOUND=${BOUND:-1}
PMD_WARMUP=${PMD_WARMUP:-3}
PMD_WINDOW=${PMD_WINDOW:-4}
PMD_ROUNDS=${PMD_ROUNDS:-3}
SWEEP_COMPARE_MAX=${SWEEP_COMPARE_MAX:-2000000}
NET=198.19.0.0/16
ADDRS=65536
DEAD_HOST=198.19.0.5 # the target's firewall drops it: no replies compete
SCAN_IP=198.18.0.1
SCAN_MAC=02:50:53:00:00:01
TGT_MAC=02:50:53:00:00:02
FRAME_LEN=58 # portsweep's SYN (with MSS): testpmd sends frames this long
MAX_PPS=100000000 # "max": no pacing in practice

die() { echo "bench/line_rate.sh: $*" >&2; exit 1; }
[[ $EUID -eq 0 ]] || die "needs root (the lab's namespaces, DPDK)"
[[ -x $BIN ]] || die "no portsweep at $BIN (set PORTSWEEP=)"
[[ $PORTS_TOP =~ ^[1-9][0-9]*$ ]] || die "PORTS_TOP=$PORTS_TOP: expected a whole number 1 or greater"
for t in dpdk-testpmd masscan zmap /usr/bin/time; do
    command -v "$t" >/dev/null || die "$t missing (scripts/setup installs it)"
done
if [[ $PS_RUNS == *dpdk* ]] && ! "$BIN" --version | grep -q 'backends:.*dpdk'; then
    die "$BIN was built without DPDK (or set PS_RUNS=pcap:$RATE)"
fi

work=$(mktemp -d /tmp/line-rate.XXXXXX)
testpmd_prefix=pd-line-testpmd-$$
trap 'rm -rf "$work"' EXIT
cells=$((ADDRS * PORTS_TOP))

# --- before the lab: the port list and the truth (pure computation) --------
# nmap's top ports: nmap-services' TCP entries by frequency, ties by port (as
# portsweep's services table orders them); checked below against the list
# portsweep itself writes in its JSON start record.
grep -v '^#' /usr/share/nmap/nmap-services |
    awk '$2 ~ /\/tcp$/ { split($2, a, "/"); print a[1], $3 }' |
    sort -k1,1n | sort -s -k2,2gr | awk -v n="$PORTS_TOP" 'NR <= n { print $1 }' >"$work/ports.ranked"
[[ $(wc -l <"$work/ports.ranked") -eq $PORTS_TOP ]] || die "nmap-services has fewer than $PORTS_TOP TCP ports"
ports=$(sort -n "$work/ports.ranked" | python3 -c '
import sys
ps = [int(l) for l in sys.stdin]
out, i = [], 0
while i < len(ps):
    j = i
    while j + 1 < len(ps) and ps[j + 1] == ps[j] + 1:
        j += 1
    out.append(str(ps[i]) if i == j else f"{ps[i]}-{ps[j]}")
    i = j + 1
print(",".join(out))')

"$LAB" truth --dead >"$work/hosts.dead"
"$LAB" truth --live >"$work/hosts.live"
echo "== the truth: $NET x the top $PORTS_TOP TCP ports (-sS)"
t0=$(date +%s.%N)
# Answered lines only (a stateless scan reports no silent port), sorted as
# the found lists are: "ADDR PROTO PORT STATE REASON".
"$LAB" truth --scan sS --live-only "T:$ports" | awk '$5 != "no-response"' |
    LC_ALL=C sort -S 25% >"$work/truth.ans"
awk '$4 == "open" { print $1, $3 }' "$work/truth.ans" | LC_ALL=C sort >"$work/truth.open"
truth_lines=$(wc -l <"$work/truth.ans")
truth_open=$(wc -l <"$work/truth.open")
printf '  %d answered ports (%d open) of %d cells, in %.0f s\n' "$truth_lines" "$truth_open" "$cells" \
    "$(echo "$(date +%s.%N) - $t0" | bc)"

# --- the lab ----------------------------------------------------------------
if [[ -z ${PORTSWEEP_LAB_LOCKED:-} ]]; then
    exec 9>/tmp/portsweep-lab.lock
    flock -w 1800 9 || die "the lab stayed locked for 30 minutes"
fi
cleanup() {
    "$LAB" down >/dev/null 2>&1 || true
    rm -rf "/var/run/dpdk/$testpmd_prefix"
    rmdir /var/run/dpdk 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
"$LAB" up 2>&1 | tail -n 1
cd "$work"

now() { date +%s.%N; }
tgt_stat() { ip netns exec ps-target cat "/sys/class/net/ps-tgt0/statistics/$1"; }
# The 1-min load average: the machine is shared, and the scanners, the
# target's kernel and testpmd all need its two cores.
load() { cut -d' ' -f1 /proc/loadavg; }
scan_tx() { ip netns exec ps-scan cat /sys/class/net/ps-scan0/statistics/tx_packets; }

echo
echo "== 1. the link's ceiling: dpdk-testpmd txonly on net_af_xdp (ps-scan0), ${FRAME_LEN}-byte frames"
(exec ip netns exec ps-scan dpdk-testpmd --no-pci --no-huge -m 512 --no-shconf \
    --file-prefix "$testpmd_prefix" -l 0,1 --vdev "net_af_xdp0,iface=ps-scan0" -- \
    --forward-mode=txonly --stats-period 1 --total-num-mbufs=16384 --txpkts="$FRAME_LEN" \
    --tx-ip="$SCAN_IP,$DEAD_HOST" --eth-peer="0,$TGT_MAC") >"$work/testpmd.log" 2>&1 &
pmd=$!
sleep "$PMD_WARMUP"
# The best of PMD_ROUNDS back-to-back windows: the other work on the
# machine only ever lowers what testpmd reaches.
pmd_pps=0
c1=$(tgt_stat rx_packets) t1=$(now)
for ((i = 0; i < PMD_ROUNDS; i++)); do
    sleep "$PMD_WINDOW"
    c2=$(tgt_stat rx_packets) t2=$(now)
    r=$(awk -v a="$c1" -v b="$c2" -v s="$t1" -v e="$t2" 'BEGIN { printf "%.0f", (b - a) / (e - s) }')
    echo "  window $((i + 1)): $r pps"
    ((r > pmd_pps)) && pmd_pps=$r
    c1=$c2 t1=$t2
done
kill -INT "$pmd" 2>/dev/null || true
wait "$pmd" 2>/dev/null || true
rm -rf "/var/run/dpdk/$testpmd_prefix"
((pmd_pps > 0)) || { tail -n 20 "$work/testpmd.log"; die "testpmd delivered nothing to the target"; }
floor_s=$(awk -v c="$cells" -v p="$pmd_pps" 'BEGIN { printf "%.2f", c / p }')
printf '  testpmd delivered %.3f Mpps to the target (best %s s window): floor = %d cells / that = %s s\n' \
    "$(echo "$pmd_pps / 1000000" | bc -l)" "$PMD_WINDOW" "$cells" "$floor_s"
echo "  load $(load)"

# compare_sorted FOUND: prints "missing M extra E wrong W" of FOUND (sorted
# "ADDR PROTO PORT STATE REASON") against the truth's answered ports.
compare_sorted() {
    local found=$1
    LC_ALL=C comm -23 "$work/truth.ans" "$found" >"$work/only.truth"
    LC_ALL=C comm -13 "$work/truth.ans" "$found" >"$work/only.found"
    python3 - "$work/only.truth" "$work/only.found" <<'PY'
import sys
t = {tuple(l.split()[:3]): l.split()[3:] for l in open(sys.argv[1])}
f = {tuple(l.split()[:3]): l.split()[3:] for l in open(sys.argv[2])}
wrong = [k for k in t if k in f]
print(f"missing {len(t) - len(wrong)} extra {len(f) - len(wrong)} wrong {len(wrong)}")
for k in [k for k in t if k not in f][:5]: print("   missing", *k, *t[k], file=sys.stderr)
for k in [k for k in f if k not in t][:5]: print("   extra", *k, *f[k], file=sys.stderr)
for k in wrong[:5]: print("   wrong", *k, "truth", *t[k], "found", *f[k], file=sys.stderr)
PY
}
# open_hits FOUND: "H E" = the truth's open ports in FOUND ("ADDR PORT"
# lines), and the ports FOUND says are open that the truth does not.
open_hits() {
    LC_ALL=C sort -u "$1" >"$1.s"
    echo "$(LC_ALL=C comm -12 "$work/truth.open" "$1.s" | wc -l) $(LC_ALL=C comm -13 "$work/truth.open" "$1.s" | wc -l)"
}

rows=() # name|wall|probes/s|open found|exact|rss MB
ps_best_wall="" ps_best_name=""

echo
echo "== 2. portsweep -sS -n -Pn --top-ports $PORTS_TOP $NET (cooldown $WAIT s, default retries)"
for spec in $PS_RUNS; do
    IFS=: read -r io r threads <<<"$spec"
    [[ $r == max ]] && rate=$MAX_PPS || rate=$r
    name="portsweep --io $io --rate $r"
    tx_threads=()
    if [[ -n $threads ]]; then
        tx_threads=(--tx-threads "$threads")
        name+=" --tx-threads $threads"
    fi
    rm -f portsweep.resume* ps.jsonl
    rx0=$(tgt_stat rx_packets) tx0=$(tgt_stat tx_packets) t0=$(now)
    ip netns exec ps-scan /usr/bin/time -f %M -o ps.rss "$BIN" -sS -n -Pn --top-ports "$PORTS_TOP" \
        --rate "$rate" "${tx_threads[@]}" --wait "$WAIT" --io "$io" -e ps-scan0 -oJ ps.jsonl "$NET" >/dev/null 2>ps.err ||
        { tail -n 5 ps.err; die "$name failed"; }
    t1=$(now) rx1=$(tgt_stat rx_packets) tx1=$(tgt_stat tx_packets)
    wall=$(echo "$t1 - $t0" | bc)
    # The list portsweep scanned must be the one the truth is for.
    got=$(head -n 1 ps.jsonl | python3 -c 'import json, sys; print(json.load(sys.stdin)["scans"][0]["services"])')
    [[ $got == "$ports" ]] || die "portsweep's top $PORTS_TOP ports differ from nmap-services' order: $got"
    sed -n 's/^{"ip":"\([^"]*\)","proto":"\([a-z]*\)","port":\([0-9]*\),"state":"\([^"]*\)","reason":"\([^"]*\)".*/\1 \2 \3 \4 \5/p' \
        ps.jsonl | LC_ALL=C sort -S 25% >ps.found
    if ((truth_lines <= SWEEP_COMPARE_MAX)); then
        echo "  tests/lab/sweep_compare.py: $(python3 "$SRC/tests/lab/sweep_compare.py" --scan sS "$work/truth.ans" ps.jsonl | head -n 1)"
    fi
    rm -f ps.jsonl
    diff=$(compare_sorted ps.found)
    awk '$4 == "open" { print $1, $3 }' ps.found >ps.open
    read -r hit extra < <(open_hits ps.open)
    rss=$(($(tail -n 1 ps.rss) / 1024))
    summary=$(grep -o 'sent [0-9]* probes in [0-9.]* s (rate held [0-9.]* pps' ps.err | head -n 1 || true)
    printf '  %-50s %8.2f s  %s; target received %.0f pps, answered %.0f pps; %s; peak RSS %d MB\n' \
        "$name" "$wall" "$summary)" "$(echo "($rx1 - $rx0) / $wall" | bc -l)" \
        "$(echo "($tx1 - $tx0) / $wall" | bc -l)" "$diff" "$rss"
    echo "    load $(load)"
    [[ $diff == "missing 0 extra 0 wrong 0" ]] && exact=exact || exact="NOT exact ($diff)"
    pps=$(awk -v c="$cells" -v w="$wall" 'BEGIN { printf "%.0f", c / w }')
    rows+=("$name|$wall|$pps|$hit/$truth_open, $extra extra|$exact|$rss")
    if [[ $exact == exact ]] && { [[ -z $ps_best_wall ]] || (($(echo "$wall < $ps_best_wall" | bc))); }; then
        ps_best_wall=$wall ps_best_name=$name
    fi
done

ms_wall=""
if ((MASSCAN)); then
    echo
    echo "== 3. masscan 1.3.2 -p<the same $PORTS_TOP ports> $NET --rate $RATE --wait $WAIT"
    # masscan can hang after its last packet ("waiting -N-secs"): when the
    # scan side's TX counter has not moved for 3 s its sweep is over, its
    # time is that moment plus the cooldown, and it is stopped by its PID.
    bound=$(awk -v c="$cells" -v r="$RATE" 'BEGIN { printf "%d", 3 * c / r + 120 }')
    t0=$(now) p0=$(scan_tx)
    (exec ip netns exec ps-scan /usr/bin/time -f %M -o ms.rss masscan -p"$ports" "$NET" --rate "$RATE" \
        --wait "$WAIT" --adapter ps-scan0 --adapter-ip "$SCAN_IP" --adapter-mac "$SCAN_MAC" \
        --router-mac "$TGT_MAC" -oL ms.txt) >/dev/null 2>ms.err &
    tpid=$!
    last=$p0 last_t=$t0 ended=""
    while kill -0 "$tpid" 2>/dev/null; do
        sleep 0.2
        cur=$(scan_tx) t=$(now)
        if [[ $cur != "$last" ]]; then
            last=$cur last_t=$t
        elif ((cur > p0)) && (($(echo "$t - $last_t > 3" | bc))); then
            ended=stalled
            break
        fi
        (($(echo "$t - $t0 > $bound" | bc))) && { ended=bound; break; }
    done
    if [[ -n $ended ]]; then
        # /usr/bin/time ignores SIGINT while it waits: signal masscan, its child.
        mpid=$(pgrep -P "$tpid" || true)
        [[ -n $mpid ]] && kill -INT "$mpid" 2>/dev/null
        sleep 1
        [[ -n $mpid ]] && kill -KILL "$mpid" 2>/dev/null
        ms_wall=$(echo "$last_t + $WAIT - $t0" | bc)
    fi
    wait "$tpid" 2>/dev/null || true
    [[ -z $ended ]] && ms_wall=$(echo "$(now) - $t0" | bc)
    [[ $ended == bound ]] && echo "  masscan was still sending after $bound s: stopped"
    awk '$1 == "open" { print $4, $3 }' ms.txt >ms.open
    read -r hit extra < <(open_hits ms.open)
    rss=$(($(tail -n 1 ms.rss 2>/dev/null || echo 0) / 1024))
    printf '  %8.2f s (%s)%s; %d of the truth'"'"'s %d open ports, %d extra; peak RSS %d MB\n' "$ms_wall" \
        "$([[ -n $ended ]] && echo "ended by the scan side's idle TX" || echo "exited")" \
        "" "$hit" "$truth_open" "$extra" "$rss"
    echo "  load $(load)"
    rows+=("masscan --rate $RATE|$ms_wall|$(awk -v c="$cells" -v w="$ms_wall" 'BEGIN { printf "%.0f", c / w }')|$hit/$truth_open, $extra extra|open only|$rss")
fi

zm_wall=""
if ((ZMAP_SAMPLE > 0)); then
    ((ZMAP_SAMPLE > PORTS_TOP)) && ZMAP_SAMPLE=$PORTS_TOP
    # Ranks 0, N/S, 2N/S, ...: popular and rare ports alike.
    mapfile -t sample < <(awk -v n="$PORTS_TOP" -v s="$ZMAP_SAMPLE" \
        'BEGIN { for (i = 0; i < s; i++) keep[int(i * n / s) + 1] = 1 } NR in keep' "$work/ports.ranked")
    echo
    echo "== 4. zmap 2.1.1 (one port per run) on $ZMAP_SAMPLE of the $PORTS_TOP ports, -r $RATE -c $WAIT: ${sample[*]}"
    : >empty.conf # zmap's default blocklist holds 198.18.0.0/15
    : >zm.open
    t0=$(now)
    for port in "${sample[@]}"; do
        ip netns exec ps-scan /usr/bin/time -f %M -o zm.rss zmap -q --disable-syslog -p "$port" -r "$RATE" \
            -c "$WAIT" -i ps-scan0 -S "$SCAN_IP" --source-mac="$SCAN_MAC" -G "$TGT_MAC" -b empty.conf \
            -o "zm.$port" "$NET" 2>>zm.err || die "zmap -p $port failed: $(tail -n 3 zm.err)"
        awk -v p="$port" '{ print $1, p }' "zm.$port" >>zm.open
    done
    sample_wall=$(echo "$(now) - $t0" | bc)
    zm_wall=$(echo "$sample_wall * $PORTS_TOP / $ZMAP_SAMPLE" | bc -l)
    # The truth's open ports on the sampled ports only.
    printf '%s\n' "${sample[@]}" | sort >zm.ports
    awk 'NR == FNR { s[$1] = 1; next } $2 in s' zm.ports "$work/truth.open" >zm.truth
    zm_truth=$(wc -l <zm.truth)
    LC_ALL=C sort -u zm.open >zm.open.s
    hit=$(LC_ALL=C comm -12 <(LC_ALL=C sort zm.truth) zm.open.s | wc -l)
    extra=$(LC_ALL=C comm -13 <(LC_ALL=C sort zm.truth) zm.open.s | wc -l)
    rss=$(($(tail -n 1 zm.rss) / 1024))
    printf '  %d runs in %.2f s (%.2f s per port): x %d/%d = %.1f s for the list; %d of the truth'"'"'s %d open on those ports, %d extra; peak RSS %d MB\n' \
        "$ZMAP_SAMPLE" "$sample_wall" "$(echo "$sample_wall / $ZMAP_SAMPLE" | bc -l)" "$PORTS_TOP" "$ZMAP_SAMPLE" \
        "$zm_wall" "$hit" "$zm_truth" "$extra" "$rss"
    echo "  load $(load)"
    rows+=("zmap -r $RATE, $ZMAP_SAMPLE-port sample scaled|$zm_wall|$(awk -v c="$cells" -v w="$zm_wall" 'BEGIN { printf "%.0f", c / w }')|$hit/$zm_truth (sample), $extra extra|open only|$rss")
fi

# What bounds the sweep: each backend at full speed to the dead addresses
# only (the target's firewall drops every probe) and to the live ones only
# (nearly every probe answered), about a million probes each, no retries.
bound_rows=()
if ((BOUND)); then
    echo
    echo "== 6. what bounds it: portsweep at full speed to dead addresses only, and to live ones only"
    for io in $(for spec in $PS_RUNS; do echo "${spec%%:*}"; done | sort -u); do
        for set in "dead 20" "live 60"; do
            read -r which top <<<"$set"
            rx0=$(tgt_stat rx_packets) tx0=$(tgt_stat tx_packets)
            ip netns exec ps-scan "$BIN" -sS -n -Pn --top-ports "$top" --rate "$MAX_PPS" --max-retries 0 \
                --wait 0.5 --io "$io" -e ps-scan0 -iL "$work/hosts.$which" -oN /dev/null >/dev/null 2>b.err ||
                die "the $which-only sweep failed: $(tail -n 3 b.err)"
            rx1=$(tgt_stat rx_packets) tx1=$(tgt_stat tx_packets)
            held=$(grep -o 'sent [0-9]* probes in [0-9.]* s (rate held [0-9.]* pps' b.err | head -n 1 || true)
            printf '  --io %-5s %4s hosts x top %2d: %s); the target received %d frames, sent %d\n' "$io" "$which" \
                "$top" "$held" $((rx1 - rx0)) $((tx1 - tx0))
            bound_rows+=("$io $which $(sed 's/.*rate held \([0-9.]*\) pps.*/\1/' <<<"$held")")
        done
    done
    echo "  load $(load)"
fi

"$LAB" down >/dev/null 2>&1

full_rss=""
if ((MEM_SECS > 0)); then
    echo
    echo "== 5. peak RSS of the /16 x 65535-port sweep (bench/memory_fullport.sh $MEM_SECS)"
    PORTSWEEP_LAB_LOCKED=1 PORTSWEEP_BIN="$BIN" "$SRC/bench/memory_fullport.sh" "$MEM_SECS" | tee mem.txt | sed 's/^/  /'
    full_rss=$(awk '/65535 ports/ { for (i = 1; i <= NF; i++) if ($(i + 1) == "MB") print $i }' mem.txt)
fi

echo
echo "== $NET x top $PORTS_TOP ports = $cells cells; floor $floor_s s (testpmd $pmd_pps pps); truth $truth_lines answered, $truth_open open"
printf '%-48s %9s %10s %22s %10s %8s %9s %9s %7s\n' scanner "wall s" "cells/s" "open found/truth" results \
    "x floor" "masscan/" "zmap/" "RSS MB"
for row in "${rows[@]}"; do
    IFS='|' read -r name wall pps found exact rss <<<"$row"
    awk -v n="$name" -v w="$wall" -v p="$pps" -v f="$found" -v e="$exact" -v fl="$floor_s" \
        -v m="$ms_wall" -v z="$zm_wall" -v r="$rss" 'BEGIN {
        printf "%-48s %9.2f %10d %22s %10s %8.2f %9s %9s %7d\n", n, w, p, f, e, w / fl,
            (m == "" ? "-" : sprintf("%.2f", m / w)), (z == "" ? "-" : sprintf("%.2f", z / w)), r }'
done
if [[ -n $ps_best_wall ]]; then
    awk -v w="$ps_best_wall" -v fl="$floor_s" -v n="$ps_best_name" 'BEGIN {
        printf "best exact portsweep run (%s): %.2f x the floor (target <= 1.5): %s\n", n, w / fl, (w / fl <= 1.5 ? "met" : "MISSED") }'
else
    echo "no portsweep run was exact"
fi
for b in "${bound_rows[@]}"; do
    read -r io which pps <<<"$b"
    printf 'full speed, --io %s, to %s addresses only: %.0f pps\n' "$io" "$which" "$pps"
done
[[ -n $full_rss ]] && echo "peak RSS of the /16 x 65535-port sweep over its first $MEM_SECS s: $full_rss MB"
exit 0
