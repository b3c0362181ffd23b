#!/usr/bin/env bash
# One portsweep scan over many machines: a Slurm job array whose task K runs
# shard K of N (portsweep --shard K/N --seed S), each in a directory of its own
# under a shared output directory, so each shard has its own -oJ, -oX and
# resume file.  A task that is pre-empted, requeued or stopped before its time
# limit continues from its resume file when it runs again, instead of
# starting over.  When every task has succeeded, portsweep-merge.sh (beside
# this script) merges the shards into one result:
#
#   export PORTSWEEP_OUT=/shared/scan1 PORTSWEEP_SEED=12345 \
#          PORTSWEEP_ARGS='-sS -n -p 1-1024 --rate 50000 -e eth0 10.0.0.0/8'
#   job=$(sbatch --parsable --array=1-16 scripts/slurm/portsweep-array.sh)
#   sbatch --dependency=afterok:${job%%;*} scripts/slurm/portsweep-merge.sh
#
# Inputs (environment; sbatch passes the submitting shell's on by default):
#   PORTSWEEP_OUT     the shared output directory (made if missing; relative
#                     to the directory sbatch was run from).  Shard K of N
#                     runs in PORTSWEEP_OUT/shard-K-of-N/ and, once complete,
#                     its outputs are PORTSWEEP_OUT/shard-K-of-N.jsonl and
#                     .xml (what the merge reads).
#   PORTSWEEP_SEED    the seed every shard shares (required: the shards of
#                     one scan must agree on the probe order).
#   PORTSWEEP_ARGS    the scan's arguments and targets, split at white space;
#                     the script adds --shard, --seed, -oJ and -oX itself, so
#                     those (and other outputs, --resume) are refused here.
#   PORTSWEEP         the command that runs portsweep, split at white space
#                     (default: portsweep), e.g. "ip netns exec scan
#                     /opt/portsweep/bin/portsweep" for a namespace.
#   PORTSWEEP_SHARDS  N.  Unset: N is the array's size and task K of the
#                     array (counted from its first index) is shard K, so
#                     --array=0-15 and --array=1-16 both mean 16 shards.
#                     Set: the array's indexes ARE the shard numbers (1..N),
#                     so one shard can be run again alone (--array=3).
#
# A task whose shard is already complete exits 0 at once: submitting the
# whole array again after some tasks failed runs only the unfinished shards.
# Bad or missing inputs: one line on stderr (the task's Slurm log), exit 2.

# --requeue: a task that Slurm pre-empts or loses with its node goes back to
#   the queue rather than failing; its next run resumes (see below).
# --open-mode=append: the requeued run's log continues the first run's log
#   instead of truncating it, so the log tells the whole story of the shard.
# --signal=B:USR1@120: two minutes before the time limit, USR1 to this shell
#   only; it stops portsweep cleanly (resume file written) and requeues the
#   task, so a time limit shorter than the shard costs a wait, not the work.
#   It needs a time limit: give sbatch --time.  (A scancel, a requeue or a
#   pre-emption signals every process of the job itself: portsweep gets
#   SIGTERM directly and stops cleanly; this shell does not send it a second
#   one, which would end portsweep at once.)
# --cpus-per-task=2: a raw sweep runs a sending and a receiving thread.
#SBATCH --job-name=portsweep
#SBATCH --array=1-4
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=2
#SBATCH --requeue
#SBATCH --open-mode=append
#SBATCH --signal=B:USR1@120
#SBATCH --output=portsweep-%A_%a.log
set -euo pipefail

die() {
    echo "portsweep-array: $*" >&2
    exit 2
}

is_count() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }

[[ -n ${SLURM_ARRAY_TASK_ID:-} ]] ||
    die "SLURM_ARRAY_TASK_ID is not set: submit this script as a job array (sbatch --array=1-N $0)"
[[ -n ${PORTSWEEP_OUT:-} ]] || die "PORTSWEEP_OUT is not set; expected the shared output directory"
[[ -n ${PORTSWEEP_SEED:-} ]] || die "PORTSWEEP_SEED is not set; expected the seed all shards share (a number)"
[[ $PORTSWEEP_SEED =~ ^[0-9]+$ ]] || die "PORTSWEEP_SEED '$PORTSWEEP_SEED' is not a number"
[[ -n ${PORTSWEEP_ARGS:-} ]] || die "PORTSWEEP_ARGS is not set; expected the scan's arguments and targets"

task=$SLURM_ARRAY_TASK_ID
if [[ -n ${PORTSWEEP_SHARDS:-} ]]; then
    is_count "$PORTSWEEP_SHARDS" || die "PORTSWEEP_SHARDS '$PORTSWEEP_SHARDS' is not a positive number"
    shards=$PORTSWEEP_SHARDS
    shard=$task
    ((shard >= 1 && shard <= shards)) ||
        die "array index $task is not a shard of 1..$shards: with PORTSWEEP_SHARDS set, submit --array within 1-$shards"
else
    count=${SLURM_ARRAY_TASK_COUNT:-}
    min=${SLURM_ARRAY_TASK_MIN:-}
    max=${SLURM_ARRAY_TASK_MAX:-}
    is_count "$count" && [[ $min =~ ^[0-9]+$ && $max =~ ^[0-9]+$ ]] ||
        die "Slurm did not set SLURM_ARRAY_TASK_COUNT/MIN/MAX; set PORTSWEEP_SHARDS to the number of shards"
    # --array=1-7:2 or 1,5,9 would leave shards nobody runs.
    ((max - min + 1 == count)) ||
        die "the array $min-$max has $count tasks, not one per index; submit a contiguous --array (e.g. 1-$count) or set PORTSWEEP_SHARDS"
    shards=$count
    shard=$((task - min + 1))
fi

read -ra cmd <<<"${PORTSWEEP:-portsweep}"
((${#cmd[@]})) || die "PORTSWEEP is empty; expected the command that runs portsweep"
command -v "${cmd[0]}" >/dev/null || die "PORTSWEEP: '${cmd[0]}' is not a command here"
read -ra args <<<"$PORTSWEEP_ARGS"
for a in "${args[@]}"; do
    case $a in
    --shard | --shard=* | --seed | --seed=* | --resume | --resume=* | -o[NXGJAS]*)
        die "PORTSWEEP_ARGS holds '$a'; the script sets the shard, seed, outputs and resume itself" ;;
    esac
done

cd "${SLURM_SUBMIT_DIR:-.}" || die "cannot enter the submit directory '${SLURM_SUBMIT_DIR:-.}'"
mkdir -p "$PORTSWEEP_OUT" || die "cannot make PORTSWEEP_OUT '$PORTSWEEP_OUT'"
out=$(cd "$PORTSWEEP_OUT" && pwd)
name=shard-$shard-of-$shards
dir=$out/$name
tag="shard $shard/$shards (job ${SLURM_ARRAY_JOB_ID:-?}_${task}, run $((${SLURM_RESTART_COUNT:-0} + 1)))"

if [[ -s $out/$name.jsonl && -s $out/$name.xml ]]; then
    echo "$tag: already complete ($out/$name.jsonl); nothing to do"
    exit 0
fi
mkdir -p "$dir"
cd "$dir"

# Run portsweep in the background so this shell can take USR1 while it runs.
time_limit=0
on_usr1() {
    time_limit=1
    echo "$tag: the time limit is near; stopping portsweep (resume file kept)"
    [[ -n ${pid:-} ]] && kill -TERM "$pid" 2>/dev/null || true
}
trap on_usr1 USR1
# Slurm's TERM reaches portsweep too; this shell only waits for it to finish.
trap 'echo "$tag: stopped by Slurm (requeue, pre-emption or cancel); portsweep writes its resume file"' TERM

if [[ -s portsweep.resume ]]; then
    echo "$tag: resuming from $dir/portsweep.resume"
    echo "== $tag: ${cmd[*]} --resume portsweep.resume" >>portsweep.err
    "${cmd[@]}" --resume portsweep.resume >>portsweep.out 2>>portsweep.err &
else
    echo "$tag: starting in $dir"
    echo "== $tag: ${cmd[*]} ${args[*]} --shard $shard/$shards --seed $PORTSWEEP_SEED -oJ scan.jsonl -oX scan.xml" \
        >>portsweep.err
    "${cmd[@]}" "${args[@]}" --shard "$shard/$shards" --seed "$PORTSWEEP_SEED" -oJ scan.jsonl -oX scan.xml \
        >>portsweep.out 2>>portsweep.err &
fi
pid=$!
# `wait` returns early when a trapped signal arrives: wait until portsweep
# itself has ended, then once more for its status (bash keeps it).
while kill -0 "$pid" 2>/dev/null; do wait "$pid" || true; done
rc=0
wait "$pid" || rc=$?
pid=

if ((rc != 0)); then
    if [[ -s portsweep.resume ]]; then
        echo "$tag: portsweep exited $rc; $dir/portsweep.resume holds its progress"
        if ((time_limit)); then
            # The array task is "<array job>_<index>".
            scontrol requeue "${SLURM_ARRAY_JOB_ID}_${task}" &&
                echo "$tag: requeued; it resumes when it runs again"
        fi
    else
        echo "$tag: portsweep exited $rc with no resume file; see $dir/portsweep.err" >&2
    fi
    exit "$rc"
fi

# The complete outputs: those of the last run.  A resumed run leaves the
# earlier runs' files alone and writes scan.resumed-K.* holding the whole
# scan; the highest K is the newest.
newest() {
    local base=$1 ext=$2 f
    f=$(ls -1 "$base".resumed-*."$ext" 2>/dev/null | sort -t- -k2 -n | tail -n 1)
    echo "${f:-$base.$ext}"
}
json=$(newest scan jsonl)
xml=$(newest scan xml)
[[ -s $json && -s $xml ]] || { echo "$tag: portsweep exited 0 but wrote no $json or $xml" >&2; exit 1; }
# Published with a rename, so the merge never sees half a file.
cp "$json" "$out/.$name.jsonl.tmp" && mv "$out/.$name.jsonl.tmp" "$out/$name.jsonl"
cp "$xml" "$out/.$name.xml.tmp" && mv "$out/.$name.xml.tmp" "$out/$name.xml"
echo "$tag: complete: $out/$name.jsonl, $out/$name.xml (from $dir/$json)"
