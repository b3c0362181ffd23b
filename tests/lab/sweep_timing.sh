#!/usr/bin/env bash
# nmap's timing templates and options change what the sweep does, measurably,
# and the results stay the truth's. Probes counted from the summary line,
# cooldowns read from it; no wall-clock time is asserted tightly.
#   198.19.0.4: 22/tcp closed (reset), 80/tcp silently dropped, so the host
#   answers and its silent port gets the retry passes: -T2 makes two (4
#   probes), -T4 and -T5 one (3 probes). The cooldown is srtt + 4 x rttvar
#   within [min, max RTT timeout]: the lab's RTT is far below both
#   minimums, so -T4 waits 0.10 s, -T5 0.05 s, --min-rtt-timeout 300ms
#   0.30 s. A dead host (198.19.0.5) gives no sample: the initial RTT
#   timeout, 0.50 s at -T4, 0.25 s at -T5.
#   --scan-delay 300ms spaces 6 probes over at least 1.5 s; --host-timeout
#   cuts a 100 pps sweep of 1000 ports at 1 s and skips the host.
source "$(dirname "$(readlink -f "$0")")/common.sh"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}

"$LAB" up
"$LAB" truth --targets 198.19.0.4 T:22,80 > "$work/truth"

run() {  # NAME PORTSWEEP-ARGS...: -sS -n -Pn, JSON lines to NAME.jsonl
  local name=$1
  shift
  "$LAB" exec "$BIN" -sS -n -Pn -e ps-scan0 "$@" -oJ "$work/$name.jsonl" -oN "$work/$name.nmap" \
    > "$work/$name.out" 2> "$work/$name.err" || { tail -n 5 "$work/$name.err"; fail "$name: portsweep failed"; }
}
summary() { grep -E '^portsweep: sent [0-9]+ probes' "$work/$1.err" || fail "$1: no summary line"; }
probes() { summary "$1" | sed -E 's/^portsweep: sent ([0-9]+) probes.*/\1/'; }
cooldown() { summary "$1" | sed -E 's/.*cooldown ([0-9.]+) s.*/\1/'; }
sent_seconds() { summary "$1" | sed -E 's/.* probes in ([0-9.]+) s.*/\1/'; }
expect() {  # WHAT GOT WANT
  [[ $2 == "$3" ]] || fail "$1: got $2, expected $3"
  echo "ok   $1: $2"
}

for t in 2 4 5; do
  run "T$t" "-T$t" -p 22,80 198.19.0.4
  python3 "$SRC/tests/lab/sweep_compare.py" "$work/truth" "$work/T$t.jsonl" | sed "s/^/-T$t: /" ||
    fail "-T$t: the results differ from the truth"
  grep -Eq '^80/tcp +filtered +http$' "$work/T$t.nmap" || fail "-T$t: 80/tcp is not listed filtered"
done
expect "-T2 probes (2 ports, 2 retry passes to the silent one)" "$(probes T2)" 4
expect "-T4 probes (1 retry pass)" "$(probes T4)" 3
expect "-T5 probes (1 retry pass)" "$(probes T5)" 3
expect "-T4 cooldown (min RTT timeout)" "$(cooldown T4)" 0.10
expect "-T5 cooldown (min RTT timeout)" "$(cooldown T5)" 0.05
# -T2's 0.4 s scan delay: 4 probes over at least 1.2 s (-T4 sends its 3 at once).
awk -v s="$(sent_seconds T2)" 'BEGIN { exit !(s >= 1.2) }' || fail "-T2 sent in $(sent_seconds T2) s, under 1.2 s"
echo "ok   -T2 paced by its scan delay: sent in $(sent_seconds T2) s (-T4: $(sent_seconds T4) s)"

# Explicit options over the template: --max-retries, --min-rtt-timeout.
run T5-retries -T5 --max-retries 3 --min-rtt-timeout 300ms -p 22,80 198.19.0.4
expect "-T5 --max-retries 3 probes" "$(probes T5-retries)" 5
expect "--min-rtt-timeout 300ms cooldown" "$(cooldown T5-retries)" 0.30
python3 "$SRC/tests/lab/sweep_compare.py" "$work/truth" "$work/T5-retries.jsonl" > /dev/null ||
  fail "-T5 --max-retries 3: the results differ from the truth"

# No reply at all: the initial RTT timeout.
run dead4 -T4 -p 80 198.19.0.5
run dead5 -T5 -p 80 198.19.0.5
expect "-T4 cooldown with no reply (initial RTT timeout)" "$(cooldown dead4)" 0.50
expect "-T5 cooldown with no reply (initial RTT timeout)" "$(cooldown dead5)" 0.25
run dead-initial -T4 --initial-rtt-timeout 700ms -p 80 198.19.0.5
expect "--initial-rtt-timeout 700ms cooldown with no reply" "$(cooldown dead-initial)" 0.70

# --scan-delay: 3 open ports, 3 probes spaced 300 ms: at least 0.6 s of sending.
run delay -T4 --scan-delay 300ms -p 22,80,443 198.19.0.1
awk -v s="$(sent_seconds delay)" 'BEGIN { exit !(s >= 0.6) }' || fail "--scan-delay 300ms sent in $(sent_seconds delay) s"
echo "ok   --scan-delay 300ms: $(probes delay) probes in $(sent_seconds delay) s"

# --host-timeout: 1000 ports at 100 pps would take 10 s; cut at 1 s, the
# host is skipped, with nmap's line, and exit 0.
run timeout -T4 --rate 100 --host-timeout 1s -p 1-1000 198.19.0.1
grep -qx 'Skipping host 198.19.0.1 due to host timeout' "$work/timeout.err" || fail "--host-timeout: no skipping line"
n=$(probes timeout)
(( n < 300 )) || fail "--host-timeout 1s: $n probes sent, expected the sweep cut short"
grep -qE 'filtered' "$work/timeout.nmap" && fail "--host-timeout: unanswered ports reported filtered"
echo "ok   --host-timeout 1s: skipped after $n probes"

# -sT: --host-timeout per host. 198.19.0.1 answers at once; the dead
# 198.19.0.5 times out on every connect (500 ms at -T4, one at a time, each
# tried twice): 198.19.0.1 is done after ~1 s, 198.19.0.5 would need 2 s.
"$LAB" exec "$BIN" -sT -n -Pn -T4 --max-parallelism 1 --host-timeout 1.5s -p 22,80 198.19.0.1 198.19.0.5 \
  -oN "$work/connect.nmap" > /dev/null 2> "$work/connect.err" || fail "-sT --host-timeout failed: $(tail -n 3 "$work/connect.err")"
grep -qx 'Skipping host 198.19.0.5 due to host timeout' "$work/connect.err" || fail "-sT: 198.19.0.5 not skipped"
grep -q 'Skipping host 198.19.0.1' "$work/connect.err" && fail "-sT: 198.19.0.1 skipped, yet it finished"
grep -qE '^22/tcp +open' "$work/connect.nmap" || fail "-sT: 198.19.0.1's 22/tcp missing"
echo "ok   -sT --host-timeout 1.5s: the dead host skipped, the live one reported"
