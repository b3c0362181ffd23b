#!/usr/bin/env bash
# IPv6 against IPv4 through the same sweep, in one run on the lab: the
# IPv6 /112 and the IPv4 class-B (65,536 addresses each, the same
# population) x the same 6 ports, -sS at --rate 300000 (above what the veth
# and the target kernel answer, ~180k pps here), ROUNDS interleaved rounds.
# Prints each run's held rate and result count, and the ratio of the median
# rates (issue 10's bar: IPv6 within 10 % of IPv4). Every run is checked
# against the truth; a run that differs fails the benchmark.
#
# Needs root and a build; holds /tmp/portsweep-lab.lock for the whole run and
# takes the lab down at the end.
#   PORTSWEEP=build/portsweep ROUNDS=5 bench/ipv6_vs_ipv4.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
BIN=$(readlink -f "${PORTSWEEP:-build/portsweep}")
ROUNDS=${ROUNDS:-5}
PORTS=22,53,80,443,3306,8080

[[ $EUID -eq 0 ]] || { echo "bench/ipv6_vs_ipv4.sh: needs root (the lab's namespaces)" >&2; exit 1; }
[[ -x $BIN ]] || { echo "bench/ipv6_vs_ipv4.sh: no portsweep at $BIN (set PORTSWEEP=)" >&2; exit 1; }
work=$(mktemp -d /tmp/pv6-bench.XXXXXX)
exec 9>/tmp/portsweep-lab.lock
flock -w 900 9 || { echo "bench/ipv6_vs_ipv4.sh: the lab stayed locked for 15 minutes" >&2; exit 1; }
trap '"$SRC/scripts/lab" down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
"$SRC/scripts/lab" up >/dev/null
"$SRC/scripts/lab" truth --targets 2001:db8:1::/112 "T:$PORTS" > "$work/truth6"
"$SRC/scripts/lab" truth "T:$PORTS" > "$work/truth4"

for round in $(seq "$ROUNDS"); do
  for fam in 4 6; do
    target=198.19.0.0/16
    [[ $fam == 6 ]] && target=2001:db8:1::/112
    "$SRC/scripts/lab" exec "$BIN" -sS -n -Pn -p "$PORTS" --rate 300000 -e ps-scan0 -oJ "$work/r.jsonl" "$target" \
      > /dev/null 2> "$work/r.err"
    rate=$(sed -n 's/.*rate held \([0-9.]*\) pps.*/\1/p' "$work/r.err")
    check=$(python3 tests/lab/sweep_compare.py "$work/truth$fam" "$work/r.jsonl" | sed 's/.*found \([0-9]*\); missing \([0-9]*\), extra \([0-9]*\), wrong state \([0-9]*\).*/\1 \2 \3 \4/')
    read -r found missing extra wrong <<< "$check"
    printf 'round %d IPv%d: %9.1f pps, %d results, %d missing, %d extra, %d wrong\n' \
      "$round" "$fam" "$rate" "$found" "$missing" "$extra" "$wrong"
    echo "$rate" >> "$work/rates$fam"
    (( missing == 0 && extra == 0 && wrong == 0 )) || { echo "IPv$fam run differs from the truth" >&2; exit 1; }
  done
done
python3 - "$work/rates4" "$work/rates6" <<'PY'
import statistics, sys
r4 = [float(x) for x in open(sys.argv[1])]
r6 = [float(x) for x in open(sys.argv[2])]
m4, m6 = statistics.median(r4), statistics.median(r6)
print(f"median IPv4 {m4:.0f} pps, IPv6 {m6:.0f} pps: IPv6/IPv4 = {m6 / m4:.3f}")
PY
