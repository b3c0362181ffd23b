#!/usr/bin/env bash
# How exactly --rate holds, from 10 pps up to what the lab's veth takes: each
# run sends about RATE x 3 s of probes into the lab and portsweep reports the
# rate it held over the pass (probes before the last burst over the span from
# the first burst to the last, per TX thread). Prints asked, held, error and
# frames per send call (the limiter releases whole bursts within a 1 ms window).
#
#   sudo bench/rate_accuracy.sh [RATE ...]     (default: 10 100 1000 10000 100000)
set -euo pipefail
SRC=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
LAB="$SRC/scripts/lab"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
[[ $EUID -eq 0 ]] || { echo "bench/rate_accuracy.sh: run as root" >&2; exit 1; }
rates=("$@"); [[ ${#rates[@]} -gt 0 ]] || rates=(10 100 1000 10000 100000)

exec 9>/tmp/portsweep-lab.lock
flock 9
trap '"$LAB" down >/dev/null 2>&1 || true' EXIT
"$LAB" up >/dev/null 2>&1

printf '%10s %12s %12s %8s %12s\n' "asked pps" probes "held pps" error "frames/call"
for rate in "${rates[@]}"; do
  # probes = rate x 3 s, as whole /24s of 198.19.0.0/16 times a port count
  probes=$((rate * 3)); (( probes >= 30 )) || probes=30
  ports=$(( (probes + 255) / 256 )); (( ports <= 1000 )) || ports=1000
  hosts=$(( probes / ports ))
  last=$(( hosts - 1 ))
  spec="198.19.$(( last / 256 > 255 ? 255 : 0 )).0-$(( last % 256 ))"
  (( hosts > 256 )) && spec="198.19.0-$(( last / 256 )).0-255"
  summary=$("$LAB" exec "$BIN" -sS -n -Pn -p "1-$ports" --rate "$rate" --max-retries 0 --wait 0 \
         --tx-threads 1 -e ps-scan0 "$spec" 2>&1 >/dev/null | grep 'rate held')
  held=$(sed -n 's/.*rate held \([0-9.]*\) pps.*/\1/p' <<< "$summary")
  per_call=$(sed -n 's/.*pps, \([0-9.]*\) frames per send call.*/\1/p' <<< "$summary")
  awk -v a="$rate" -v h="$held" -v n="$((hosts * ports))" -v f="$per_call" \
    'BEGIN { printf "%10d %12d %12.1f %+7.2f%% %12.1f\n", a, n, h, (h - a) * 100 / a, f }'
done
