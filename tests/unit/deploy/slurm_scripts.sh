#!/usr/bin/env bash
# scripts/slurm/portsweep-array.sh and portsweep-merge.sh without a cluster:
# Slurm's variables set by hand, portsweep and scontrol faked
# (fake_portsweep.sh logs its calls).  Checks the shard each array task
# runs, the fresh and the resuming command lines, what is published, a
# complete shard not run again, USR1 (near the time limit) stopping
# portsweep with one TERM and requeueing the task, a TERM from Slurm not
# forwarded a second time, every bad input refused with one line and exit 2,
# and the merge's command line.  lab-slurm-array runs them on a real cluster.
set -uo pipefail
HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
SRC=${PORTSWEEP_SOURCE_ROOT:-$HERE/../../..}
ARRAY=$SRC/scripts/slurm/portsweep-array.sh
MERGE=$SRC/scripts/slurm/portsweep-merge.sh
top=$(mktemp -d)
trap 'rm -rf "$top"' EXIT
mkdir "$top/bin"
ln -s "$HERE/fake_portsweep.sh" "$top/bin/portsweep"
printf '#!/bin/sh\necho "scontrol $*" >>"$FAKE_PORTSWEEP_LOG"\n' >"$top/bin/scontrol"
chmod +x "$top/bin/scontrol"
export PATH=$top/bin:$PATH FAKE_PORTSWEEP_LOG=$top/calls.log
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
calls() { cat "$FAKE_PORTSWEEP_LOG" 2>/dev/null; rm -f "$FAKE_PORTSWEEP_LOG"; }

out=$top/out
base=(PORTSWEEP_OUT="$out" PORTSWEEP_SEED=99 PORTSWEEP_ARGS="-sS -p 22 198.19.0.0/16"
    SLURM_ARRAY_JOB_ID=41 SLURM_ARRAY_TASK_MIN=5 SLURM_ARRAY_TASK_MAX=8 SLURM_ARRAY_TASK_COUNT=4)
array() { env -u PORTSWEEP -u PORTSWEEP_SHARDS -u SLURM_SUBMIT_DIR "${base[@]}" "$@" "$ARRAY"; }

# A fresh task: array index 7 of 5-8 is shard 3/4.
o=$(array SLURM_ARRAY_TASK_ID=7 2>&1) || fail "fresh shard 3: exit $?: $o"
[[ $(calls) == "$out/shard-3-of-4 -sS -p 22 198.19.0.0/16 --shard 3/4 --seed 99 -oJ scan.jsonl -oX scan.xml" ]] ||
    fail "fresh shard 3: wrong command line"
[[ $(cat "$out/shard-3-of-4.jsonl" 2>/dev/null) == '{"fresh":1}' && -s $out/shard-3-of-4.xml ]] ||
    fail "fresh shard 3: outputs not published"
grep -q "shard 3/4 (job 41_7, run 1): complete" <<<"$o" || fail "fresh shard 3: no 'complete' line: $o"
# Again: complete, nothing runs.
o=$(array SLURM_ARRAY_TASK_ID=7 2>&1) || fail "complete shard 3: exit $?"
[[ -z $(calls) ]] && grep -q "already complete" <<<"$o" || fail "a complete shard ran again: $o"

# A requeued task with a resume file resumes; with nine resumed runs already
# there, the tenth's outputs are the ones published.
d=$out/shard-1-of-4
mkdir -p "$d"
echo resume >"$d/portsweep.resume"
for k in $(seq 9); do echo old >"$d/scan.resumed-$k.jsonl"; echo old >"$d/scan.resumed-$k.xml"; done
o=$(array SLURM_ARRAY_TASK_ID=5 SLURM_RESTART_COUNT=1 2>&1) || fail "resumed shard 1: exit $?: $o"
[[ $(calls) == "$d --resume portsweep.resume" ]] || fail "resumed shard 1: not run with --resume"
grep -q "shard 1/4 (job 41_5, run 2): resuming from $d/portsweep.resume" <<<"$o" || fail "resumed shard 1: no 'resuming' line: $o"
[[ $(cat "$out/shard-1-of-4.jsonl") == '{"resumed":10}' ]] || fail "resumed shard 1: published $(cat "$out/shard-1-of-4.jsonl")"

# A failed scan: its status, nothing published.
o=$(array SLURM_ARRAY_TASK_ID=6 FAKE_PORTSWEEP_RC=1 2>&1)
rc=$?
calls >/dev/null
[[ $rc == 1 && ! -e $out/shard-2-of-4.jsonl ]] || fail "a failed scan: exit $rc, published: $(ls "$out")"
grep -q "portsweep exited 1 with no resume file" <<<"$o" || fail "a failed scan: no clear line: $o"

# PORTSWEEP_SHARDS: the index is the shard (one shard run again alone).
o=$(array SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_MIN=4 SLURM_ARRAY_TASK_MAX=4 SLURM_ARRAY_TASK_COUNT=1 \
    PORTSWEEP_SHARDS=4 2>&1) || fail "PORTSWEEP_SHARDS: exit $?: $o"
[[ $(calls) == *"--shard 4/4 --seed 99"* ]] || fail "PORTSWEEP_SHARDS=4, index 4: not shard 4/4"

# USR1 (--signal=B:USR1@…, the time limit near): one TERM to portsweep, then
# the task requeues itself.  A TERM to the shell (Slurm signals every
# process) is not passed on: portsweep gets Slurm's own.
for sig in USR1 TERM; do
    rm -rf "$out/shard-2-of-4"
    # env execs the script: $! is the script's shell.
    env -u PORTSWEEP -u PORTSWEEP_SHARDS -u SLURM_SUBMIT_DIR "${base[@]}" SLURM_ARRAY_TASK_ID=6 FAKE_PORTSWEEP_WAIT=1 \
        "$ARRAY" >"$top/sig.out" 2>&1 &
    pid=$!
    for _ in $(seq 100); do grep -q -- --shard "$FAKE_PORTSWEEP_LOG" 2>/dev/null && break; sleep 0.05; done
    kill -"$sig" "$pid"
    if [[ $sig == TERM ]]; then kill -TERM $(pgrep -P "$pid") || true; fi
    wait "$pid"
    rc=$?
    log=$(calls)
    [[ $(grep -c '^TERM$' <<<"$log") == 1 ]] || fail "$sig: portsweep got $(grep -c '^TERM$' <<<"$log") TERMs, expected 1"
    [[ $rc == 130 ]] || fail "$sig: exit $rc, expected portsweep's 130"
    if [[ $sig == USR1 ]]; then
        grep -qx "scontrol requeue 41_6" <<<"$log" || fail "USR1: the task did not requeue itself: $log"
    else
        ! grep -q scontrol <<<"$log" || fail "TERM: the task requeued itself; Slurm does that"
    fi
    [[ ! -e $out/shard-2-of-4.jsonl ]] || fail "$sig: a stopped shard was published"
done

# Bad inputs: one line on stderr, exit 2, portsweep never run.
bad() {
    local want=$1 e rc a
    shift
    # "-u NAME" unsets NAME, "NAME=VALUE" sets it.
    local -a unset=() set=()
    for a in "$@"; do
        if [[ $a == -u ]]; then continue; elif [[ $a == *=* ]]; then set+=("$a"); else unset+=(-u "$a"); fi
    done
    e=$(env -u PORTSWEEP -u PORTSWEEP_SHARDS "${base[@]}" SLURM_ARRAY_TASK_ID=6 "${set[@]}" \
        env "${unset[@]}" "$ARRAY" 2>&1 >/dev/null)
    rc=$?
    [[ $rc == 2 && $(wc -l <<<"$e") == 1 && $e == *"$want"* && -z $(calls) ]] ||
        fail "bad input ($*): exit $rc, stderr '$e', expected exit 2 and one line with '$want'"
}
bad "SLURM_ARRAY_TASK_ID is not set" -u SLURM_ARRAY_TASK_ID
bad "PORTSWEEP_OUT is not set" -u PORTSWEEP_OUT
bad "PORTSWEEP_SEED is not set" -u PORTSWEEP_SEED
bad "PORTSWEEP_SEED 'x1' is not a number" PORTSWEEP_SEED=x1
bad "PORTSWEEP_ARGS is not set" -u PORTSWEEP_ARGS
bad "PORTSWEEP_ARGS holds '--shard'" PORTSWEEP_ARGS="-p 22 --shard 1/2 198.19.0.0/24"
bad "PORTSWEEP_ARGS holds '-oX'" PORTSWEEP_ARGS="-p 22 -oX f.xml 198.19.0.0/24"
bad "PORTSWEEP_ARGS holds '--resume'" PORTSWEEP_ARGS="--resume portsweep.resume"
bad "PORTSWEEP: 'no-such-portsweep' is not a command" PORTSWEEP=no-such-portsweep
bad "the array 1-7 has 4 tasks" SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=7
bad "array index 6 is not a shard of 1..4" PORTSWEEP_SHARDS=4
bad "PORTSWEEP_SHARDS '0' is not a positive number" PORTSWEEP_SHARDS=0
bad "Slurm did not set SLURM_ARRAY_TASK_COUNT" -u SLURM_ARRAY_TASK_COUNT

# The merge: every complete shard, in order, to portsweep merge.
m=$top/m
mkdir "$m"
: >"$m/shard-2-of-3.jsonl"
: >"$m/shard-1-of-3.jsonl"
o=$(env -u SLURM_SUBMIT_DIR PORTSWEEP_OUT="$m" "$MERGE" 2>&1) || fail "merge: exit $?: $o"
[[ $(calls) == "$(pwd) merge --from $m/shard-1-of-3.jsonl $m/shard-2-of-3.jsonl -oA $m/merged -oJ $m/merged.jsonl" ]] ||
    fail "merge: wrong command line"
badmerge() {
    local want=$1 e rc
    shift
    e=$(env -u SLURM_SUBMIT_DIR "$@" "$MERGE" 2>&1 >/dev/null)
    rc=$?
    [[ $rc == 2 && $(wc -l <<<"$e") == 1 && $e == *"$want"* && -z $(calls) ]] ||
        fail "bad merge input ($*): exit $rc, stderr '$e', expected exit 2 and one line with '$want'"
}
badmerge "PORTSWEEP_OUT is not set" -u PORTSWEEP_OUT
badmerge "is not a directory" PORTSWEEP_OUT="$top/nothing"
mkdir "$top/empty"
badmerge "no shard-K-of-N.jsonl in" PORTSWEEP_OUT="$top/empty"
: >"$m/shard-1-of-2.jsonl"
badmerge "holds shards of" PORTSWEEP_OUT="$m"
badmerge "none of the 5 shards has completed" PORTSWEEP_OUT="$m" PORTSWEEP_SHARDS=5

if ((failures)); then
    echo "$failures failed"
    exit 1
fi
echo "ok   scripts/slurm: shards, resume, publish, signals, bad input, merge"
