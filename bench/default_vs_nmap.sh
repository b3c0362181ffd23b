#!/usr/bin/env bash
# nmap's default scan and portsweep's, side by side in the lab: what each does
# with no options but -n (host discovery with nmap's default probes, then a
# SYN scan of nmap's top 1000 TCP ports on the hosts found up), wall times,
# the ratio, and whether the hosts up and the open/closed ports agree with
# each other and with the lab's truth.  Then host discovery alone (-sn).
#
#   sudo bench/default_vs_nmap.sh [TARGET]
#       TARGET  the default scan's targets            (default 198.19.0.0/24)
#   env: PORTSWEEP_BIN (default build/portsweep);
#        SN_TARGET  nmap's -sn targets (default 198.19.0.0/20: nmap -sn -T4
#                   takes ~18 s there, so the class-B would take ~5 min; set
#                   SN_TARGET=198.19.0.0/16 to pay for it);
#        SN_TIMEOUT bound on each nmap -sn run, seconds (default 600).
#
# Runs, all from the scanner namespace:
#   nmap -n TARGET               nmap's own timing (-T3)
#   nmap -n -T4 TARGET
#   portsweep -n TARGET
#   nmap -sn -n -T4 SN_TARGET, portsweep -sn -n SN_TARGET, and portsweep -sn
#   -n 198.19.0.0/16 (the whole class-B, for scale)
# A portsweep run that fails (an option it does not have yet, say -sn) is
# shown as "portsweep: not supported" with its first error line, and the
# rest goes on.  Hosts are compared with `scripts/lab truth --discovery
# default`, ports with the -sS truth of the ports nmap scanned (its
# <scaninfo services=…>) on the hosts the truth finds up; see
# bench/default_compare.py.
set -euo pipefail
SRC=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
LAB="$SRC/scripts/lab"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
TARGET=${1:-198.19.0.0/24}
SN_TARGET=${SN_TARGET:-198.19.0.0/20}
SN_TIMEOUT=${SN_TIMEOUT:-600}
[[ $EUID -eq 0 ]] || { echo "bench/default_vs_nmap.sh: run as root (the lab needs namespaces)" >&2; exit 1; }
[[ -x $BIN ]] || echo "bench/default_vs_nmap.sh: no portsweep at $BIN: its rows will read not supported" >&2

exec 9>/tmp/portsweep-lab.lock
flock 9
work=$(mktemp -d)
trap '"$LAB" down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
"$LAB" up >/dev/null 2>&1

seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }'; }

# timed NAME CMD…: run CMD in the scanner namespace, its time in T[NAME]
# ("not supported" when it fails), stdout and stderr in $work/NAME.out/.err.
declare -A T
notes=()
timed() {
    local name=$1 t0=$EPOCHREALTIME rc=0
    shift
    "$LAB" exec "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
    if ((rc == 0)); then
        T[$name]=$(seconds "$t0" "$EPOCHREALTIME")
    elif [[ $1 == timeout ]] && ((rc == 124)); then
        T[$name]="> $SN_TIMEOUT (stopped)"
    else
        T[$name]="not supported"
        notes+=("$name: $(grep -m1 . "$work/$name.err" || echo "exit status non-zero, no message")")
    fi
}
[[ -x $BIN ]] || BIN=/bin/false

# The default scan.
timed nmap "nmap" -n -oX "$work/nmap.xml" "$TARGET"
timed nmap-T4 nmap -n -T4 -oX "$work/nmap-T4.xml" "$TARGET"
timed portsweep "$BIN" -n -oX "$work/portsweep.xml" "$TARGET"

# Host discovery alone.
timed nmap-sn timeout "$SN_TIMEOUT" nmap -sn -n -T4 -oX "$work/nmap-sn.xml" "$SN_TARGET"
timed portsweep-sn "$BIN" -sn -n -oX "$work/portsweep-sn.xml" "$SN_TARGET"
timed portsweep-sn16 "$BIN" -sn -n -oX "$work/portsweep-sn16.xml" 198.19.0.0/16

echo "lab: default scan of $TARGET (nmap's default discovery, then its top 1000 TCP ports)"
printf '  %-28s %s\n' "nmap -n" "${T[nmap]} s" "nmap -n -T4" "${T[nmap-T4]} s" | sed 's/supported s$/supported/'

if [[ ${T[portsweep]} == "not supported" ]]; then
    printf '  %-28s %s\n' "portsweep -n" "portsweep: not supported"
else
    printf '  %-28s %s\n' "portsweep -n" "${T[portsweep]} s" \
        "ratio nmap / portsweep" "$(ratio "${T[nmap]}" "${T[portsweep]}") (-T4: $(ratio "${T[nmap-T4]}" "${T[portsweep]}"))"
fi
reports=(nmap="$work/nmap.xml" nmap-T4="$work/nmap-T4.xml")
[[ ${T[portsweep]} == "not supported" ]] || reports+=(portsweep="$work/portsweep.xml")
python3 "$SRC/bench/default_compare.py" "$TARGET" "${reports[@]}" | sed 's/^/  /'

echo "lab: host discovery (-sn) of $SN_TARGET"
printf '  %-28s %s\n' "nmap -sn -T4" "${T[nmap-sn]} s"
sn_reports=()
[[ ${T[nmap-sn]} == [0-9]* ]] && sn_reports+=("$work/nmap-sn.xml")
if [[ ${T[portsweep-sn]} == "not supported" ]]; then
    printf '  %-28s %s\n' "portsweep -sn" "portsweep: not supported"
else
    printf '  %-28s %s\n' "portsweep -sn" "${T[portsweep-sn]} s"
    [[ ${T[nmap-sn]} == [0-9]* ]] &&
        printf '  %-28s %s\n' "ratio nmap / portsweep" "$(ratio "${T[nmap-sn]}" "${T[portsweep-sn]}")"
    sn_reports+=("$work/portsweep-sn.xml")
fi
"$LAB" truth --discovery=default --targets "$SN_TARGET" >"$work/sn.truth"
for r in "${sn_reports[@]}"; do
    printf '  %-28s ' "$(basename "$r" .xml) vs truth:"
    # (compare_discovery.py exits 1 on a difference: that is a result here)
    { python3 "$SRC/tests/lab/compare_discovery.py" "$work/sn.truth" "$r" || true; } | head -3 | paste -sd' '
done
if ((${#sn_reports[@]} == 2)); then
    up() {
        python3 -c '
import sys, xml.etree.ElementTree as ET
for h in ET.parse(sys.argv[1]).getroot().iter("host"):
    s = h.find("status")
    if s is not None and s.get("state") == "up":
        print(next(a.get("addr") for a in h.iter("address") if a.get("addrtype") == "ipv4"))' "$1" | sort
    }
    printf '  %-28s %s hosts differ\n' "nmap vs portsweep:" "$(diff <(up "${sn_reports[0]}") <(up "${sn_reports[1]}") | grep -c '^[<>]' || true)"
fi
if [[ ${T[portsweep-sn16]} == "not supported" ]]; then
    printf '  %-28s %s\n' "portsweep -sn 198.19.0.0/16" "portsweep: not supported"
else
    "$LAB" truth --discovery=default >"$work/sn16.truth"
    printf '  %-28s %s s; vs truth: %s\n' "portsweep -sn 198.19.0.0/16" "${T[portsweep-sn16]}" \
        "$({ python3 "$SRC/tests/lab/compare_discovery.py" "$work/sn16.truth" "$work/portsweep-sn16.xml" || true; } | head -3 | paste -sd' ')"
fi
((${#notes[@]} == 0)) || printf '%s\n' "${notes[@]}"
