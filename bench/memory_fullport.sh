#!/usr/bin/env bash
# Peak memory of a sweep of 198.19.0.0/16 x all 65535 ports (4.3 G probes, 4 h
# at the lab's 300k pps), measured over its first SECONDS and then stopped
# with Ctrl-C as a user would: nothing in portsweep grows with the probes
# sent (the answered set is a fixed 8 MB cache beyond 2^27 probes, results
# stream to the outputs, the host table keeps at most 26 ports per state),
# so the peak is reached within seconds. Also prints the /16 x 6 ports sweep.
#
#   sudo bench/memory_fullport.sh [SECONDS]     (default 30)
# PORTSWEEP_LAB_LOCKED=1 when the caller holds /tmp/portsweep-lab.lock.
set -euo pipefail
SRC=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
LAB="$SRC/scripts/lab"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
SECS=${1:-30}
[[ $EUID -eq 0 ]] || { echo "bench/memory_fullport.sh: run as root" >&2; exit 1; }

if [[ -z ${PORTSWEEP_LAB_LOCKED:-} ]]; then
  exec 9>/tmp/portsweep-lab.lock
  flock 9
fi
work=$(mktemp -d)
trap '"$LAB" down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
"$LAB" up >/dev/null 2>&1
cd "$work"

"$LAB" exec /usr/bin/time -f "%M" -o six.rss "$BIN" -sS -n -Pn -p 21,22,53,80,443,8080 --rate 300000 \
  -e ps-scan0 -oA six -oJ six.jsonl 198.19.0.0/16 > /dev/null 2>&1
"$LAB" exec /usr/bin/time -f "%M" -o full.rss "$BIN" -sS -n -Pn -p- --rate 300000 \
  -e ps-scan0 -oA full -oJ full.jsonl 198.19.0.0/16 > /dev/null 2> full.err &
tpid=$!
sleep "$SECS"
# /usr/bin/time ignores SIGINT while it waits: stop portsweep, its child.
kill -INT "$(pgrep -P "$tpid")" 2>/dev/null || true
wait "$tpid" || true
printf '%-44s %10s %12s\n' sweep "peak RSS" results
printf '%-44s %7d MB %12d\n' "198.19.0.0/16 x 6 ports, to the end" $(( $(tail -n 1 six.rss) / 1024 )) "$(wc -l < six.jsonl)"
printf '%-44s %7d MB %12d\n' "198.19.0.0/16 x 65535 ports, first ${SECS} s" $(( $(tail -n 1 full.rss) / 1024 )) "$(wc -l < full.jsonl)"
grep -o 'sent [0-9]* probes' full.err | head -1
