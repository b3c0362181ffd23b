#!/usr/bin/env bash
# Checksum offload on the target's side. The lab turns it off on every veth;
# here the target's end gets tx checksumming back, as a container's veth or
# any local sender would have it: its TCP SYN-ACKs and UDP replies reach the
# scanner with only the pseudo-header sum in their checksum field (the
# kernel's CHECKSUM_PARTIAL), which libpcap does not flag. portsweep verifies
# checksums, so it must tell those from damage: the sweeps still equal the
# truth, nothing counts as a bad checksum, and the summary says how many
# were left to offload.
source "$(dirname "$(readlink -f "$0")")/common.sh"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
targets=198.19.0.0/20

"$LAB" up
ip netns exec ps-target ethtool -K ps-tgt0 tx on > /dev/null
ip netns exec ps-target ethtool -k ps-tgt0 | grep -q "^tx-checksumming: on" || fail "cannot turn tx offload on"

sweep() {  # NAME TRUTH-SCAN TRUTH-PORTS PORTSWEEP-ARGS...
  local name=$1 scan=$2 spec=$3 offloaded
  shift 3
  "$LAB" truth --scan "$scan" --targets "$targets" "$spec" > "$work/$name.truth"
  "$LAB" exec "$BIN" "$@" -n -Pn --rate 100000 -e ps-scan0 -oJ "$work/$name.jsonl" "$targets" \
    > "$work/$name.out" 2> "$work/$name.err" || { tail -n 5 "$work/$name.err"; fail "$name: portsweep failed"; }
  grep "^portsweep: \(sent\|L4\)" "$work/$name.err" | sed "s/^/$name: /"
  python3 "$SRC/tests/lab/sweep_compare.py" "$work/$name.truth" "$work/$name.jsonl" | sed "s/^/$name: /"
  python3 "$SRC/tests/lab/sweep_compare.py" "$work/$name.truth" "$work/$name.jsonl" > /dev/null \
    || fail "$name: with offload on the target, the result differs from the truth"
  grep -q " 0 bad checksums;" "$work/$name.err" || fail "$name: replies left to offload were counted as bad"
  offloaded=$(sed -n 's/.*, \([0-9]*\) left to checksum offload.*/\1/p' "$work/$name.err")
  [[ ${offloaded:-0} -gt 0 ]] || fail "$name: no reply was seen left to offload: is the test still testing it?"
}

sweep sS sS T:22,80,8080 -sS -p 22,80,8080
sweep sU sU U:53,123,161 -sU -p 53,123,161
echo "ok   with checksum offload on the target, -sS and -sU equal the truth; offloaded sums read, not dropped"
