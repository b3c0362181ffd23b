#!/usr/bin/env bash
# `portsweep merge`'s time and peak memory for the lab's class-B x nmap's top
# 100 ports (-Pn), split into 4 and into 16 shards, beside `portsweep report`
# writing the same outputs from one process's -oJ of the same scan (which
# reads that file into memory whole). The merge streams every shard through
# the host table, so its memory should not grow with the shard count nor
# with the results; each merge's output is checked against the one-process
# scan's before its figures are printed.
#
#   sudo bench/merge_shards.sh
set -euo pipefail
SRC=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
LAB="$SRC/scripts/lab"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
[[ $EUID -eq 0 ]] || { echo "bench/merge_shards.sh: run as root" >&2; exit 1; }

exec 9>/tmp/portsweep-lab.lock
flock 9
work=$(mktemp -d)
trap '"$LAB" down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
"$LAB" up >/dev/null 2>&1
cd "$work"
scan=(-sS -n -Pn --top-ports 100 --seed 99 --rate 300000 -e ps-scan0)

echo "== sweeping 198.19.0.0/16 x top 100 ports: once whole, once as 4 shards, once as 16"
"$LAB" exec "$BIN" "${scan[@]}" -oJ one.jsonl 198.19.0.0/16 >/dev/null 2>&1
for n in 4 16; do
  mkdir "s$n"
  for ((i = 1; i <= n; i++)); do
    "$LAB" exec "$BIN" "${scan[@]}" --shard "$i/$n" -oJ "s$n/shard$i.jsonl" 198.19.0.0/16 >/dev/null 2>&1
  done
done

# ports FILE: the (ip, proto, port, state, reason) of every port record, sorted.
ports() { python3 -c '
import json, sys
for r in map(json.loads, open(sys.argv[1])):
    if "port" in r: print(r["ip"], r["proto"], r["port"], r["state"], r["reason"])' "$1" | sort; }
ports one.jsonl >one.ports
results=$(wc -l <one.ports)

# run NAME CMD...: the command 3 times; its median seconds and peak RSS.
run() {
  local name=$1 t m
  shift
  for k in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$name.$k.time" "$@" >/dev/null 2>"$name.err" || { cat "$name.err"; exit 1; }
  done
  t=$(cut -d' ' -f1 "$name".*.time | sort -n | sed -n 2p)
  m=$(cut -d' ' -f2 "$name".*.time | sort -n | tail -n 1)
  printf '%-34s %8s s %8d MB\n' "$name" "$t" $((m / 1024))
  echo "$t" >"$name.secs"
}

echo "== $results port results; outputs -oX -oN -oG -oJ (median of 3 runs, peak RSS)"
run "report --from one.jsonl" "$BIN" report --from one.jsonl -oA rep -oJ rep.jsonl
for n in 4 16; do
  run "merge of $n shards" "$BIN" merge --from s"$n"/shard*.jsonl -oA "m$n" -oJ "m$n.jsonl"
  ports "m$n.jsonl" | cmp -s - one.ports || { echo "FAIL: the merge of $n shards differs from one process's scan"; exit 1; }
  xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "m$n.xml" || { echo "FAIL: merged XML not valid"; exit 1; }
done
awk -v r="$(cat 'report --from one.jsonl.secs')" -v a="$(cat 'merge of 4 shards.secs')" -v b="$(cat 'merge of 16 shards.secs')" \
  'BEGIN { printf "ratio merge/report: 4 shards %.2f, 16 shards %.2f\n", a / r, b / r }'
