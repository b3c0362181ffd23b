#!/usr/bin/env bash
# Version detection speed against nmap: `portsweep -sS -sV -T4` and
# `nmap -sS -sV -T4` on the same 256 live lab hosts and the lab's service
# ports, timed end to end (sweep included), results compared port by port.
# Prints both times and the ratio; exits non-zero if the results differ.
#
#   sudo bench/service_vs_nmap.sh [PORTSWEEP_BINARY]
#
# Needs root (the lab). Holds the lab lock for the whole run (nmap's part
# takes several minutes).
set -euo pipefail

SRC=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
LAB="$SRC/scripts/lab"
PORTSWEEP=${1:-${PORTSWEEP_BIN:-$SRC/build/portsweep}}
HOSTS=${HOSTS:-256}
PORTS=${PORTS:-21,22,53,80,443,6379}

[[ $EUID -eq 0 ]] || { echo "SKIP: the lab needs root"; exit 77; }
[[ -x $PORTSWEEP ]] || { echo "no portsweep binary at $PORTSWEEP" >&2; exit 1; }

# One lab per machine: hold its lock while it is up.
exec 9>/tmp/portsweep-lab.lock
flock 9
work=$(mktemp -d)
trap '"$LAB" down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

"$LAB" up 2>/dev/null
# Live hosts spread over the whole /16: every 63rd of the 16311.
"$LAB" truth --live | awk 'NR % 63 == 1' | head -"$HOSTS" >"$work/hosts"
n=$(wc -l <"$work/hosts")
echo "targets: $n live hosts x ports $PORTS"

seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

t0=$EPOCHREALTIME
"$LAB" exec "$PORTSWEEP" -n -Pn -sS -sV -T4 -p "$PORTS" -e ps-scan0 -iL "$work/hosts" \
    -oX "$work/portsweep.xml" >/dev/null 2>"$work/portsweep.err"
t1=$EPOCHREALTIME
ps_s=$(seconds "$t0" "$t1")
grep '^portsweep: version detection' "$work/portsweep.err" || true
echo "portsweep -sS -sV -T4: ${ps_s} s"

t0=$EPOCHREALTIME
"$LAB" exec nmap -n -Pn -sS -sV -T4 -p "$PORTS" -iL "$work/hosts" -oX "$work/nmap.xml" >/dev/null
t1=$EPOCHREALTIME
nmap_s=$(seconds "$t0" "$t1")
echo "nmap -sS -sV -T4:      ${nmap_s} s"

awk -v a="$nmap_s" -v b="$ps_s" 'BEGIN { printf "ratio: portsweep is %.1fx faster than nmap\n", a / b }'
python3 "$SRC/tests/lab/compare_services.py" "$work/nmap.xml" "$work/portsweep.xml" --min-open 100
