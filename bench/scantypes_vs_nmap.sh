#!/usr/bin/env bash
# Every nmap scan type, nmap and portsweep side by side on the same /24 of the
# lab and the same ports, each checked against the lab's truth
# (`scripts/lab truth --scan TYPE`) and against each other.
#
#   sudo bench/scantypes_vs_nmap.sh [TARGET] [TYPE…]
#       TARGET  a /24 (or any range) of the lab   (default 198.19.0.0/24;
#               198.18.1.0/24 is the on-link LAN: portsweep gets -e ps-scan1,
#               and both --exclude 198.18.1.1, the scanner itself)
#       TYPE    sS sA sW sM sN sF sX sU sO          (default: all of them)
#   env: PORTSWEEP_BIN (default build/portsweep), RATE (default 3000 pps),
#        SHOW=N prints up to N differing lines of each kind.
#
# Both run from the scanner namespace with the same nmap-style flags:
#   -n -Pn -sX -T4 --max-retries 1 --min-rate RATE -p PORTS
# (portsweep also -e ps-scan0 -oJ, nmap -oX).  Ports: the lab's TCP ports for
# the TCP types, its UDP ports plus nmap's -sO UDP port for -sU, all 256
# protocols for -sO.  A scan type portsweep refuses (non-zero exit) shows as
# "unsupported"; the first line of its error is printed under the table.
# Differences count (host, proto, port) results; a result a scanner does not
# report is read as the type's no-response verdict (see
# bench/scantypes_compare.py).
set -euo pipefail
SRC=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
LAB="$SRC/scripts/lab"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
RATE=${RATE:-3000}
SHOW=${SHOW:-0}
TARGET=${1:-198.19.0.0/24}
shift || true
TYPES=("$@")
((${#TYPES[@]})) || TYPES=(sS sA sW sM sN sF sX sU sO)
IFACE=ps-scan0
EXTRA=()
if [[ $TARGET == 198.18.1.* ]]; then
    IFACE=ps-scan1
    EXTRA=(--exclude 198.18.1.1)
fi
[[ $EUID -eq 0 ]] || { echo "bench/scantypes_vs_nmap.sh: run as root (the lab needs namespaces)" >&2; exit 1; }
[[ -x $BIN ]] || echo "bench/scantypes_vs_nmap.sh: no portsweep at $BIN: its columns will read unsupported" >&2

ports_of() {
    case $1 in
    sU) echo U:53,123,161,40125 ;;
    sO) echo 0-255 ;;
    *) echo 21,22,25,53,80,110,443,6379,8080,8443 ;;
    esac
}

exec 9>/tmp/portsweep-lab.lock
flock 9
work=$(mktemp -d)
trap '"$LAB" down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
"$LAB" up >/dev/null 2>&1

seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
rows=()
notes=()
for t in "${TYPES[@]}"; do
    ports=$(ports_of "$t")
    flags=(-n -Pn "-$t" -T4 --max-retries 1 --min-rate "$RATE" -p "$ports" "${EXTRA[@]}")
    "$LAB" truth --scan "$t" --targets "$TARGET" "$ports" >"$work/$t.truth"

    t0=$EPOCHREALTIME
    "$LAB" exec nmap "${flags[@]}" -oX "$work/$t.xml" "$TARGET" >/dev/null
    nmap_s=$(seconds "$t0" "$EPOCHREALTIME")

    ps_s=unsupported
    ps_json=()
    t0=$EPOCHREALTIME
    if [[ -x $BIN ]] && "$LAB" exec "$BIN" "${flags[@]}" -e "$IFACE" -oJ "$work/$t.jsonl" "$TARGET" \
        >"$work/$t.ps.out" 2>"$work/$t.ps.err"; then
        ps_s=$(seconds "$t0" "$EPOCHREALTIME")
        ps_json=("$work/$t.jsonl")
    elif [[ -x $BIN ]]; then
        notes+=("-$t: portsweep: $(grep -m1 . "$work/$t.ps.err" || echo "exit status non-zero, no message")")
    fi
    read -r d_nmap d_ps d_both bad_json < <(python3 "$SRC/bench/scantypes_compare.py" --scan "$t" \
        --show "$SHOW" "$work/$t.truth" "$work/$t.xml" "${ps_json[@]}")
    [[ $ps_s == unsupported ]] && d_ps=unsupported d_both=-
    ((bad_json == 0)) || notes+=("-$t: portsweep wrote $bad_json line(s) that are not a JSON port state")
    results=$(wc -l <"$work/$t.truth")
    rows+=("$(printf '%-5s %8s %9s %12s %13s %14s %18s' "-$t" "$results" "$nmap_s" "$ps_s" \
        "$d_nmap" "$d_ps" "$d_both")")
done

echo "lab: $TARGET, ${RATE} pps floor, one retry; diff: (host, proto, port) results unlike the truth"
printf '%-5s %8s %9s %12s %13s %14s %18s\n' type results "nmap s" "portsweep s" \
    "diff nmap" "diff portsweep" "nmap vs portsweep"
printf '%s\n' "${rows[@]}"
((${#notes[@]} == 0)) || printf '%s\n' "${notes[@]}"
