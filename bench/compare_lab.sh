#!/usr/bin/env bash
# Side by side in one run on the lab: portsweep, masscan and zmap (Debian's)
# sweep 198.19.0.0/16 on the same ports at the same requested rate, each from
# the scan namespace through the same veth with a 1 s cooldown, and each is
# checked against the lab's ground truth.
#
#   sudo bench/compare_lab.sh [RATE] [PORTS]      (defaults: 300000, 21,22,53,80,443,8080)
#
# All three use the kernel's packet socket on this path (libpcap / PF_PACKET).
# zmap 2.1 scans one port per run, so it runs once per port and its times add
# up. "send pps" is what left the scan-side veth (probes and RSTs, from its
# counters) over the time from start to the end of sending (wall − cooldown).
set -euo pipefail
SRC=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
LAB="$SRC/scripts/lab"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
RATE=${1:-300000}
PORTS=${2:-21,22,53,80,443,8080}
[[ $EUID -eq 0 ]] || { echo "bench/compare_lab.sh: run as root (the lab needs namespaces)" >&2; exit 1; }

exec 9>/tmp/portsweep-lab.lock
flock 9
work=$(mktemp -d)
trap '"$LAB" down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
"$LAB" up >/dev/null
"$LAB" truth --live-only "T:$PORTS" | awk '$4=="open" {print $1, $3}' | sort > "$work/truth"
truth_open=$(wc -l < "$work/truth")

tx_packets() { "$LAB" exec cat /sys/class/net/ps-scan0/statistics/tx_packets; }
now() { date +%s.%N; }
rows=()
record() {  # name wall packets found-file
  local name=$1 wall=$2 pkts=$3 found=$4 hit extra
  hit=$(comm -12 "$work/truth" <(sort -u "$found") | wc -l)
  extra=$(comm -13 "$work/truth" <(sort -u "$found") | wc -l)
  local pps
  pps=$(awk -v p="$pkts" -v w="$wall" 'BEGIN { s = w - 1; if (s < 0.001) s = 0.001; printf "%.0f", p / s }')
  rows+=("$(printf '%-26s %8.2f %10s %10s %8s/%-8s %6s' "$name" "$wall" "$pkts" "$pps" "$hit" "$truth_open" "$extra")")
  eval "wall_$5=$wall; pps_$5=$pps"
}

# portsweep: retries off and a fixed 1 s cooldown, the same work as the others.
t0=$(now); p0=$(tx_packets)
"$LAB" exec "$BIN" -sS -n -Pn -p "$PORTS" --rate "$RATE" --max-retries 0 --wait 1 -e ps-scan0 \
  -oJ "$work/ps.jsonl" 198.19.0.0/16 > /dev/null 2> "$work/ps.err"
t1=$(now); p1=$(tx_packets)
python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("state") == "open" and "method" not in r: print(r["ip"], r["port"])' "$work/ps.jsonl" > "$work/ps.found"
record "portsweep (pcap)" "$(echo "$t1 - $t0" | bc)" $((p1 - p0)) "$work/ps.found" ps

# masscan: told the addresses it would otherwise look up. masscan 1.3.2 can
# hang after it finishes ("waiting -19-secs"), so its end is taken from the
# veth: when the TX counter has not moved for 2 s, sending ended at the last
# move; its wall is that plus the 1 s cooldown, and it is then stopped.
t0=$(now); p0=$(tx_packets)
"$LAB" exec masscan -p"$PORTS" 198.19.0.0/16 --rate "$RATE" --wait 1 \
  --adapter ps-scan0 --adapter-ip 198.18.0.1 --adapter-mac 02:50:53:00:00:01 \
  --router-mac 02:50:53:00:00:02 -oL "$work/masscan.txt" > /dev/null 2> "$work/masscan.err" &
mpid=$!
last=$p0; last_t=$t0
while kill -0 "$mpid" 2>/dev/null; do
  sleep 0.2
  cur=$(tx_packets); t=$(now)
  if [[ $cur != "$last" ]]; then last=$cur; last_t=$t
  elif (( $(echo "$t - $last_t > 2" | bc) )) && (( cur > p0 )); then break
  fi
done
pkill -INT -f "masscan -p$PORTS" 2>/dev/null || true; sleep 0.5; pkill -KILL -f "masscan -p$PORTS" 2>/dev/null || true
wait "$mpid" 2>/dev/null || true
p1=$last; t1=$(echo "$last_t + 1" | bc)
awk '$1=="open" {print $4, $3}' "$work/masscan.txt" > "$work/masscan.found"
record "masscan 1.3.2" "$(echo "$t1 - $t0" | bc)" $((p1 - p0)) "$work/masscan.found" ms

# zmap: its default blocklist excludes 198.18.0.0/15, so an empty one; one run per port.
: > "$work/empty.conf"
t0=$(now); p0=$(tx_packets)
: > "$work/zmap.found"
for port in ${PORTS//,/ }; do
  "$LAB" exec zmap -q --disable-syslog -p "$port" -r "$RATE" -c 1 -i ps-scan0 -S 198.18.0.1 \
    --source-mac=02:50:53:00:00:01 -G 02:50:53:00:00:02 -b "$work/empty.conf" \
    -o "$work/zmap.$port" 198.19.0.0/16 2> "$work/zmap.err" || true
  awk -v p="$port" '{print $1, p}' "$work/zmap.$port" >> "$work/zmap.found"
done
t1=$(now); p1=$(tx_packets)
nports=$(tr ',' '\n' <<< "$PORTS" | wc -l)
# zmap's wall includes one cooldown per port: subtract the extra ones.
record "zmap 2.1.1 (1 port/run)" "$(echo "$t1 - $t0 - ($nports - 1)" | bc)" $((p1 - p0)) "$work/zmap.found" zm

echo "198.19.0.0/16 x ports $PORTS at --rate $RATE, cooldown 1 s; truth: $truth_open open ports"
printf '%-26s %8s %10s %10s %17s %6s\n' scanner "wall s" "tx pkts" "send pps" "open found/truth" extra
printf '%s\n' "${rows[@]}"
awk -v a="$wall_ps" -v m="$wall_ms" -v z="$wall_zm" -v pa="$pps_ps" -v pm="$pps_ms" -v pz="$pps_zm" 'BEGIN {
  printf "ratios: wall masscan/portsweep %.2f, zmap/portsweep %.2f; send pps portsweep/masscan %.2f, portsweep/zmap %.2f\n", m / a, z / a, pa / pm, pa / pz }'
