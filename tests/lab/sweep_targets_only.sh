#!/usr/bin/env bash
# Never outside the targets. Everything the scan namespace sends is captured
# where it arrives (on ps-tgt0 in the target, on the LAN bridge's port for
# ps-scan1: the scanner's own side bypasses the qdisc, where tcpdump would
# look) during sweeps with --exclude, --excludefile, on-link with --exclude,
# each of --shard 1/3, 2/3, 3/3 with one seed, and with targets that have no
# route or a route through another interface. Every IPv4 packet goes to a
# target that is not excluded (probes and the RSTs after SYN-ACKs alike),
# every ARP request asks for one or for the gateway, nothing else leaves; the
# shards together probe exactly the whole set, each probe once; a target
# without a usable route gets a warning and not a single packet.
source "$(dirname "$(readlink -f "$0")")/common.sh"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
CHECK=$SRC/tests/lab/wire_check.py
ports=22,80,443

"$LAB" up

capture_pids=()
start_capture() {  # NAME: everything arriving from the scanner, both links
  ip netns exec ps-target tcpdump -n -i ps-tgt0 -Q in -U -w "$work/$1.tgt.pcap" 2> /dev/null &
  capture_pids+=($!)
  ip netns exec ps-lan tcpdump -n -i p-scan -Q in -U -w "$work/$1.lan.pcap" 2> /dev/null &
  capture_pids+=($!)
  sleep 1
}
stop_capture() {
  sleep 0.5
  kill "${capture_pids[@]}" 2> /dev/null || true
  wait "${capture_pids[@]}" 2> /dev/null || true
  capture_pids=()
}

scan() {  # NAME PORTSWEEP-ARGS...: one sweep under capture
  local name=$1
  shift
  start_capture "$name"
  "$LAB" exec "$BIN" -sS -n -Pn --max-retries 0 --wait 1 "$@" -oJ "$work/$name.jsonl" \
    > "$work/$name.out" 2> "$work/$name.err" || { stop_capture; tail -n 5 "$work/$name.err"; fail "$name: portsweep failed"; }
  stop_capture
}

check() {  # NAME CHECK-ARGS...
  local name=$1
  shift
  python3 "$CHECK" probes "$work/$name.tgt.pcap" "$work/$name.lan.pcap" "$@" | sed "s/^/$name: /"
  python3 "$CHECK" probes "$work/$name.tgt.pcap" "$work/$name.lan.pcap" "$@" > /dev/null \
    || fail "$name: something left the scan namespace for an address outside the targets"
}

# --exclude: a /26, one address, a range of the last octet, out of a /21.
exclude=198.19.0.0/26,198.19.3.7,198.19.7.250-255
scan exclude -p "$ports" --rate 50000 -e ps-scan0 --exclude "$exclude" 198.19.0.0/21
check exclude --allow 198.19.0.0/21 --deny ${exclude//,/ } --gateway 198.18.0.2 \
  --from 198.18.0.1 --ports "$ports" --exact --once
grep -q '"ip":"198.19.3.7"' "$work/exclude.jsonl" && fail "exclude: an excluded address has a result"

# --excludefile: nmap's format, specs separated by blanks, newlines, comments.
printf '198.19.1.0/25 198.19.2.1-50\n# a comment\n198.19.6.6\n' > "$work/exclude.list"
scan excludefile -p "$ports" --rate 50000 -e ps-scan0 --excludefile "$work/exclude.list" 198.19.0.0/21
check excludefile --allow 198.19.0.0/21 --deny 198.19.1.0/25 198.19.2.1-50 198.19.6.6 --gateway 198.18.0.2 \
  --from 198.18.0.1 --ports "$ports" --exact --once

# On-link, with live hosts excluded: no ARP request, no probe for them.
scan onlink -p "$ports" --rate 20000 -e ps-scan1 --exclude 198.18.1.1,198.18.1.10-12 198.18.1.0/24
check onlink --allow 198.18.1.0/24 --deny 198.18.1.1 198.18.1.10-12 --from 198.18.1.1 --ports "$ports"
grep -q '"ip":"198.18.1.1[0-2]"' "$work/onlink.jsonl" && fail "onlink: an excluded host has a result"
grep -q '"ip":"198.18.1.13"' "$work/onlink.jsonl" || fail "onlink: the live host 198.18.1.13 was not found"

# Three shards of one seed: each its part, together everything, once.
for i in 1 2 3; do
  scan "shard$i" -p "$ports" --rate 50000 -e ps-scan0 --shard "$i/3" --seed 12345 198.19.0.0/20
  check "shard$i" --allow 198.19.0.0/20 --gateway 198.18.0.2 --from 198.18.0.1 --once
done
python3 "$CHECK" shards "$work"/shard{1,2,3}.tgt.pcap --allow 198.19.0.0/20 --ports "$ports" \
  || fail "the three shards do not probe the whole set exactly once"

# No route (198.20.0.1: the scan namespace has no default route), and a
# target routed through the other interface (198.18.1.10 is on ps-scan1's
# LAN) while the scan leaves through ps-scan0: warned about, never sent,
# neither through ps-scan0's gateway nor the LAN.
scan noroute -p "$ports" --rate 20000 -e ps-scan0 198.20.0.1 198.19.0.0/24
check noroute --allow 198.19.0.0/24 --gateway 198.18.0.2 --from 198.18.0.1 --ports "$ports" --exact --once
grep "WARNING" "$work/noroute.err" | sed "s/^/noroute: /"
grep -q "WARNING: 1 target .* skipped (198.20.0.1 has no route" "$work/noroute.err" \
  || fail "noroute: no warning about 198.20.0.1"
scan otherif -p "$ports" --rate 20000 -e ps-scan0 198.19.0.0/24 198.18.1.10
check otherif --allow 198.19.0.0/24 --gateway 198.18.0.2 --from 198.18.0.1 --ports "$ports" --exact --once
grep "WARNING" "$work/otherif.err" | sed "s/^/otherif: /"
grep -q "WARNING: 1 target .* skipped (198.18.1.10 " "$work/otherif.err" || fail "otherif: no warning about 198.18.1.10"
# Both at once: one warning counts them (naming one).
scan both -p "$ports" --rate 20000 -e ps-scan0 198.20.0.1 198.19.0.0/24 198.18.1.10
check both --allow 198.19.0.0/24 --gateway 198.18.0.2 --from 198.18.0.1 --ports "$ports" --exact --once
grep -q "WARNING: 2 targets .* skipped" "$work/both.err" || fail "both: no warning about the two skipped targets"
# Without -e the scan picks its interface from the first routable target;
# the unroutable one is still only warned about.
scan noroute-auto -p "$ports" --rate 20000 198.20.0.1 198.19.0.0/24
check noroute-auto --allow 198.19.0.0/24 --gateway 198.18.0.2 --from 198.18.0.1 --ports "$ports" --exact --once
grep -q "WARNING: .*198.20.0.1" "$work/noroute-auto.err" || fail "noroute-auto: no warning about 198.20.0.1"
# Nothing but unroutable targets: an error, and nothing on the wire.
start_capture only-noroute
if "$LAB" exec "$BIN" -sS -n -Pn -p "$ports" 198.20.0.1 198.20.0.2 > "$work/only-noroute.out" 2> "$work/only-noroute.err"; then
  stop_capture
  fail "only-noroute: a scan of nothing routable succeeded"
fi
stop_capture
sed "s/^/only-noroute: /" "$work/only-noroute.err" | head -n 3
python3 "$CHECK" probes "$work/only-noroute.tgt.pcap" "$work/only-noroute.lan.pcap" --allow 198.20.0.1 \
  --deny 198.20.0.1 --from 198.18.0.1 198.18.1.1 > /dev/null || fail "only-noroute: something was sent"
echo "ok   nothing left the scan namespace for an address outside the targets"
