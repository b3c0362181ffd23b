#!/usr/bin/env bash
# The ground-truth sweep through DPDK: `--io dpdk -e ps-scan0` (AF_XDP on the
# lab's veth) must report exactly the lab's open and closed ports, and leave
# nothing behind: no XDP program on the interface, no EAL runtime directory.
# Then the two ways a run ends early: Ctrl-C must clean up as it stops, and
# after a SIGKILL the next run must clear what the killed one left.
# shellcheck source=tests/lab/common.sh
source "$(dirname "$(readlink -f "$0")")/common.sh"

BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
if [[ ! -x $BIN ]]; then
    echo "SKIP: no portsweep binary at $BIN"
    exit 77
fi
if ! "$BIN" --version | grep -q 'backends:.*dpdk'; then
    echo "SKIP: $BIN was built without DPDK"
    exit 77
fi

ports=21,22,53,80,443,8080
runtime=/var/run/dpdk
had_runtime=0
[[ -d $runtime ]] && had_runtime=1

# No XDP program on ps-scan0, no runtime directory of ours (nor the root
# directory, if it was not there before the test).
assert_no_leftovers() {
    local what=$1 left
    if ip -n ps-scan -d link show ps-scan0 | grep -q 'prog/xdp'; then
        fail "$what left an XDP program on ps-scan0: $(ip -n ps-scan -d link show ps-scan0)"
    fi
    left=$(find "$runtime" -maxdepth 1 -name 'portsweep-*' 2>/dev/null || true)
    [[ -z $left ]] || fail "$what left EAL runtime directories: $left"
    if ((!had_runtime)) && [[ -e $runtime ]]; then
        fail "$what left $runtime: $(ls -la "$runtime")"
    fi
    echo "ok   $what left no XDP program and no runtime directory"
}

"$LAB" up
cd "$work" # a run stopped by Ctrl-C writes its resume file here

echo "== portsweep -sS -n -Pn -p $ports --rate 300000 --io dpdk -e ps-scan0 198.19.0.0/16"
# A second into the sweep the target forgets our MAC and must ask again:
# with AF_XDP only portsweep can answer, and every reply after depends on it.
(sleep 1 && ip -n ps-target neigh flush dev ps-tgt0) &
"$LAB" exec "$BIN" -sS -n -Pn -p "$ports" --rate 300000 --io dpdk -e ps-scan0 \
    -oJ "$work/f.jsonl" 198.19.0.0/16 >"$work/sweep.txt" 2>"$work/sweep.err" ||
    fail "the sweep failed: $(cat "$work/sweep.err")"
grep -q 'through net_af_xdp' "$work/sweep.err" ||
    fail "the sweep did not use AF_XDP: $(grep DPDK "$work/sweep.err")"
wait
grep -E '^portsweep: (sent|  (arp|dpdk|xsk))' "$work/sweep.err" | cut -c1-200
arp=$(awk '$2 == "arp_replies" { print $3 }' "$work/sweep.err")
[[ ${arp:-0} -ge 1 ]] || fail "portsweep answered no ARP request after the target flushed its cache"
echo "ok   portsweep answered the target's ARP requests ($arp)"

"$LAB" truth --live-only "T:$ports" | awk '$4 == "open" || $4 == "closed" { print $1, $3, $4 }' |
    sort >"$work/truth.txt"
python3 - "$work/f.jsonl" <<'PY' | sort >"$work/found.txt"
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("state") in ("open", "closed") and "method" not in r:
        print(r["ip"], r["port"], r["state"])
PY
missing=$(comm -23 "$work/truth.txt" "$work/found.txt" | wc -l)
extra=$(comm -13 "$work/truth.txt" "$work/found.txt" | wc -l)
if [[ $missing != 0 || $extra != 0 ]]; then
    comm -3 "$work/truth.txt" "$work/found.txt" | head -n 20
    fail "portsweep missed $missing and reported $extra ports not in the truth ($(wc -l <"$work/truth.txt") lines)"
fi
echo "ok   exactly the truth: $(grep -c ' open$' "$work/truth.txt") open and $(grep -c ' closed$' "$work/truth.txt") closed ports"
assert_no_leftovers "the sweep"

# Ctrl-C part-way: the engine stops and closes the port.
"$LAB" exec "$BIN" -sS -n -Pn -p 1-1000 --rate 20000 --io dpdk -e ps-scan0 -oN /dev/null \
    198.19.0.0/16 >/dev/null 2>"$work/int.err" &
pid=$!
sleep 2
kill -INT "$pid"
status=0
wait "$pid" || status=$?
[[ $status == 130 ]] || fail "after Ctrl-C portsweep exited $status, not 130: $(cat "$work/int.err")"
assert_no_leftovers "a sweep stopped with Ctrl-C"

# SIGKILL: the XDP program and the runtime directory stay; the next run
# (here the NIC benchmark) must find and remove them before it starts.
"$LAB" exec "$BIN" --bench-tx --io dpdk -e ps-scan0 --rate 1000 --duration 60 -p 80 198.19.0.5 \
    >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do
    ip -n ps-scan -d link show ps-scan0 | grep -q 'prog/xdp' && break
    sleep 0.1
done
sleep 0.5
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
ip -n ps-scan -d link show ps-scan0 | grep -q 'prog/xdp' ||
    fail "the killed run left no XDP program, so this test proves nothing"
[[ -d $runtime/portsweep-$pid ]] || fail "the killed run (pid $pid) left no runtime directory"
echo "ok   a killed run leaves its XDP program and $runtime/portsweep-$pid"
"$LAB" exec "$BIN" --bench-tx --io dpdk -e ps-scan0 --rate 1000 --duration 1 -p 80 198.19.0.5 \
    >/dev/null 2>"$work/next.err" || fail "the run after the killed one failed: $(cat "$work/next.err")"
grep -q "removed the XDP program a killed portsweep (pid $pid) left" "$work/next.err" ||
    fail "the next run did not say it removed the killed run's XDP program: $(cat "$work/next.err")"
assert_no_leftovers "the run after a killed one"

mapfile -t pids < <(lab_pids)
cd /
"$LAB" down
assert_clean "${pids[@]}"
