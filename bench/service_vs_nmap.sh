#!/usr/bin/env bash
# Version detection speed against nmap, in three shapes of target:
#
#   a  one live host (198.19.0.1) x the lab's service ports
#   b  198.19.0.0/28 (eight live hosts, one firewalled, pinned overrides)
#      x the service ports plus the two slow ones, 2525 and 9999
#   c  256 live hosts spread over the /16 x the service ports and 2525
#
# The service ports are 21,22,53,80,443,6379; 2525 is the mail server that
# greets only after 2 s, 9999 accepts and never speaks (lab/README.md, "The
# slow services").  Shape a leaves 2525 out: its 2 s greeting would set
# portsweep's time there whatever the engine does (nmap's is 12 s), and
# shapes b and c time it.  Each shape runs `portsweep` and `nmap` with the same
# flags, -n -Pn -sS -sV -T4 -p PORTS (portsweep also -e ps-scan0), each
# timed end to end (sweep included); the results are compared port by port
# (tests/lab/compare_services.py: every open port in either, with the same
# service, product, version, extra info, "?" guess and CPEs) and must be
# identical.  The last line of each shape:
#
#   shape a: nmap 12.3 s, portsweep 1.1 s, ratio 11.2x, results identical
#
#   sudo bench/service_vs_nmap.sh [PORTSWEEP_BINARY]
#   env: SHAPES (default "a b c"), HOSTS (shape c, default 256)
#
# Exits non-zero if any shape's results differ or a scanner fails.  Needs
# root (the lab); holds the lab lock for the whole run.  nmap's part takes
# minutes: a silent port walks its whole probe chain (about 2.5 min).
set -euo pipefail

SRC=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
LAB="$SRC/scripts/lab"
COMPARE="$SRC/tests/lab/compare_services.py"
PORTSWEEP=${1:-${PORTSWEEP_BIN:-$SRC/build/portsweep}}
SHAPES=${SHAPES:-a b c}
HOSTS=${HOSTS:-256}
SERVICE_PORTS=21,22,53,80,443,6379
DELAYED_PORT=2525
SILENT_PORT=9999

[[ $EUID -eq 0 ]] || { echo "SKIP: the lab needs root"; exit 77; }
[[ -x $PORTSWEEP ]] || { echo "no portsweep binary at $PORTSWEEP" >&2; exit 1; }
for s in $SHAPES; do
    [[ $s == [abc] ]] || { echo "bench/service_vs_nmap.sh: unknown shape '$s' in SHAPES (a, b, c)" >&2; exit 2; }
done

# One lab per machine: hold its lock while it is up.
exec 9>/tmp/portsweep-lab.lock
flock 9
work=$(mktemp -d)
trap '"$LAB" down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

"$LAB" up 2>/dev/null

seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# run_shape NAME PORTS TARGET_FILE WHAT: both scanners on the targets listed
# in the file (addresses or CIDRs, one a line), then the comparison; prints
# the shape's summary line.
summaries=()
failed=0
run_shape() {
    local name=$1 ports=$2 targets=$3 what=$4 want t0 ps_s nmap_s verdict
    # Open ports the truth expects (dead hosts are filtered to both).
    want=$("$LAB" truth --targets "$(paste -sd, "$targets")" "$ports" | awk '$4 == "open"' | wc -l)
    echo "== shape $name: $what x ports $ports ($want open in the truth)"
    local flags=(-n -Pn -sS -sV -T4 -p "$ports" -iL "$targets")

    t0=$EPOCHREALTIME
    if ! "$LAB" exec "$PORTSWEEP" "${flags[@]}" -e ps-scan0 -oX "$work/$name.portsweep.xml" \
        >/dev/null 2>"$work/$name.portsweep.err"; then
        sed 's/^/    /' "$work/$name.portsweep.err" >&2
        summaries+=("shape $name: portsweep failed")
        failed=1
        return
    fi
    ps_s=$(seconds "$t0" "$EPOCHREALTIME")
    grep '^portsweep: version detection of' "$work/$name.portsweep.err" || true
    echo "portsweep: ${ps_s} s"

    t0=$EPOCHREALTIME
    if ! "$LAB" exec nmap "${flags[@]}" -oX "$work/$name.nmap.xml" >/dev/null 2>"$work/$name.nmap.err"; then
        sed 's/^/    /' "$work/$name.nmap.err" >&2
        summaries+=("shape $name: nmap failed")
        failed=1
        return
    fi
    nmap_s=$(seconds "$t0" "$EPOCHREALTIME")
    echo "nmap:      ${nmap_s} s"

    if python3 "$COMPARE" "$work/$name.nmap.xml" "$work/$name.portsweep.xml" --min-open "$want"; then
        verdict="results identical"
    else
        verdict="RESULTS DIFFER"
        failed=1
    fi
    summaries+=("$(awk -v n="$name" -v a="$nmap_s" -v b="$ps_s" -v v="$verdict" \
        'BEGIN { printf "shape %s: nmap %.1f s, portsweep %.1f s, ratio %.1fx, %s", n, a, b, a / b, v }')")
    echo "${summaries[-1]}"
}

for s in $SHAPES; do
    case $s in
    a)
        echo 198.19.0.1 >"$work/a.targets"
        run_shape a "$SERVICE_PORTS" "$work/a.targets" "one live host, 198.19.0.1"
        ;;
    b)
        echo 198.19.0.0/28 >"$work/b.targets"
        run_shape b "$SERVICE_PORTS,$DELAYED_PORT,$SILENT_PORT" "$work/b.targets" \
            "198.19.0.0/28 ($("$LAB" truth --live --targets 198.19.0.0/28 | wc -l) live hosts)"
        ;;
    c)
        # Live hosts spread over the whole /16: every 63rd of the 16311.
        "$LAB" truth --live | awk 'NR % 63 == 1' | head -"$HOSTS" >"$work/c.targets"
        run_shape c "$SERVICE_PORTS,$DELAYED_PORT" "$work/c.targets" "$(wc -l <"$work/c.targets") live hosts over the /16"
        ;;
    esac
done

echo "== summary"
printf '%s\n' "${summaries[@]}"
exit "$failed"
