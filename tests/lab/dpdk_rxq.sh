#!/usr/bin/env bash
# The DPDK backend's receive queues on the lab's multi-queue veth (issue 15).
# ps-scan0 has as many queues as scripts/lab gave it (PORTSWEEP_LAB_QUEUES,
# default one per CPU up to 4): AF_XDP must bind a socket to each, and the
# target's replies must spread over them.
#  1. portsweep-dpdk-rxq sweeps 198.19.0.0/16 on a few ports with one
#     thread per receive queue (recv_queue_burst): every queue must get
#     replies, and the answers must be exactly the truth.
#  2. portsweep itself (--io dpdk) sweeps the same twice: with an RX thread
#     per queue (--rx-threads N), then with one RX thread reading every
#     queue (--rx-threads 1, recv_burst); each time exactly the truth, and
#     its summary shows the replies came in on every queue (rx_q0, rx_q1...).
# shellcheck source=tests/lab/common.sh
source "$(dirname "$(readlink -f "$0")")/common.sh"

TOOL=${PORTSWEEP_DPDK_RXQ:-$SRC/build/tests/lab/portsweep-dpdk-rxq}
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
if [[ ! -x $TOOL || ! -x $BIN ]]; then
    echo "SKIP: no portsweep-dpdk-rxq at $TOOL or portsweep at $BIN"
    exit 77
fi
if ! "$BIN" --version | grep -q 'backends:.*dpdk'; then
    echo "SKIP: $BIN was built without DPDK"
    exit 77
fi

ports=22,80,443
"$LAB" up
queues=$(ip netns exec ps-scan ethtool -l ps-scan0 | awk '/^Current/ { c = 1 } c && /^RX:/ { print $2 }')
if [[ ${queues:-1} -lt 2 ]]; then
    echo "SKIP: ps-scan0 has ${queues:-1} receive queue (PORTSWEEP_LAB_QUEUES=1, or a one-CPU machine)"
    exit 77
fi
echo "ok   ps-scan0 has $queues receive queues"
tgt_mac=$(ip -n ps-target -br link show ps-tgt0 | awk '{ print $3 }')

"$LAB" truth --live-only "T:$ports" | awk '$4 == "open" || $4 == "closed" { print $1, $3, $4 }' |
    sort >"$work/truth.txt"

# Compares "ADDRESS PORT STATE" lines in $1 with the truth.
exact() {
    local missing extra
    missing=$(comm -23 "$work/truth.txt" "$1" | wc -l)
    extra=$(comm -13 "$work/truth.txt" "$1" | wc -l)
    if [[ $missing != 0 || $extra != 0 ]]; then
        comm -3 "$work/truth.txt" "$1" | head -n 20
        fail "$2 missed $missing and reported $extra ports not in the truth ($(wc -l <"$work/truth.txt") lines)"
    fi
    echo "ok   $2: exactly the truth, $(grep -c ' open$' "$1") open and $(grep -c ' closed$' "$1") closed ports"
}

# Every queue's count from "NAME VALUE" lines ($1: the name's prefix); fails
# unless each of the $queues queues got at least one reply.
every_queue() {
    local file=$1 prefix=$2 what=$3 q n counts=""
    for ((q = 0; q < queues; q++)); do
        n=$(awk -v k="$prefix$q" '$1 == k { print $2 }' "$file")
        counts+="q$q ${n:-none} "
        [[ ${n:-0} -ge 1 ]] || fail "$what: receive queue $q got no reply ($counts)"
    done
    echo "ok   $what: replies on every queue: $counts"
}

echo "== portsweep-dpdk-rxq: 198.19.0.0/16 x $ports, one thread per receive queue"
# Half a second in, the target forgets our MAC: with AF_XDP only the
# backend can answer its ARP request, from whichever RX thread gets it, and
# every reply after depends on that answer going out.
(sleep 0.5 && ip -n ps-target neigh flush dev ps-tgt0) &
"$LAB" exec "$TOOL" ps-scan0 198.18.0.1 "$tgt_mac" 198.19.0.0/16 "$ports" 100000 "$queues" 3 \
    >"$work/rxq.out" 2>"$work/rxq.err" || {
    rc=$?
    [[ $rc -eq 77 ]] && { echo "SKIP: $(cat "$work/rxq.err")"; exit 77; }
    fail "portsweep-dpdk-rxq failed ($rc): $(cat "$work/rxq.err")"
}
wait
arp=$(awk '$2 == "arp_replies" { print $3 }' "$work/rxq.out")
[[ ${arp:-0} -ge 1 ]] || fail "the backend answered no ARP request after the target flushed its cache"
echo "ok   the RX threads answered the target's ARP requests ($arp)"
grep -q 'through net_af_xdp' "$work/rxq.err" || fail "the tool did not use AF_XDP: $(cat "$work/rxq.err")"
opened=$(awk '$1 == "ready" { print $3 }' "$work/rxq.out")
[[ $opened == "$queues" ]] || fail "the backend gave $opened receive queues, not $queues: $(cat "$work/rxq.err")"
sockets=$(awk '$2 == "dpdk_device_queues" { print $3 }' "$work/rxq.out")
[[ $sockets == "$queues" ]] || fail "the backend bound $sockets AF_XDP queues, not $queues"
echo "ok   AF_XDP bound $sockets sockets: $(grep 'DPDK' "$work/rxq.err" | head -n 1 | cut -c1-160)"
awk '$1 == "queue" { print "q" $2, $3 }' "$work/rxq.out" >"$work/rxq.threads"
every_queue "$work/rxq.threads" q "portsweep-dpdk-rxq's RX threads"
awk 'NF == 3 && ($3 == "open" || $3 == "closed")' "$work/rxq.out" | sort >"$work/rxq.found"
exact "$work/rxq.found" "portsweep-dpdk-rxq"

# portsweep with $1 RX threads: exactly the truth, replies on every queue.
sweep() {
    local threads=$1
    echo "== portsweep -sS -n -Pn -p $ports --io dpdk -e ps-scan0 --rx-threads $threads 198.19.0.0/16"
    "$LAB" exec "$BIN" -sS -n -Pn -p "$ports" --rate 100000 --io dpdk -e ps-scan0 --rx-threads "$threads" \
        -oJ "$work/f$threads.jsonl" 198.19.0.0/16 >"$work/sweep.txt" 2>"$work/sweep$threads.err" ||
        fail "the sweep failed: $(cat "$work/sweep$threads.err")"
    grep -q 'through net_af_xdp' "$work/sweep$threads.err" ||
        fail "the sweep did not use AF_XDP: $(grep DPDK "$work/sweep$threads.err")"
    if ((threads > 1)); then
        grep -q "^portsweep: $threads RX threads, one per receive queue" "$work/sweep$threads.err" ||
            fail "portsweep did not run $threads RX threads: $(grep -E 'RX thread|receive queue' "$work/sweep$threads.err")"
    fi
    awk '$1 == "portsweep:" && $2 ~ /^rx_q[0-9]+$/ { print $2, $3 }' "$work/sweep$threads.err" >"$work/sweep.queues"
    every_queue "$work/sweep.queues" rx_q "portsweep --rx-threads $threads"
    python3 - "$work/f$threads.jsonl" <<'PY' | sort >"$work/sweep.found"
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("state") in ("open", "closed") and "method" not in r:
        print(r["ip"], r["port"], r["state"])
PY
    exact "$work/sweep.found" "portsweep --rx-threads $threads"
}
sweep "$queues"
sweep 1

if ip -n ps-scan -d link show ps-scan0 | grep -q 'prog/xdp'; then
    fail "an XDP program was left on ps-scan0: $(ip -n ps-scan -d link show ps-scan0)"
fi
echo "ok   no XDP program left on ps-scan0"

mapfile -t pids < <(lab_pids)
"$LAB" down
assert_clean "${pids[@]}"
