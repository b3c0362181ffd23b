#!/usr/bin/env bash
# Scale-out on a real Slurm cluster (issue 16): a single-machine cluster from
# Debian's packages (munged, slurmctld, slurmd, all started here and stopped
# at the end), scripts/slurm/portsweep-array.sh submitted as a 4-task array
# sweeping the lab's class-B, one task requeued mid-run, and the merge step
# (scripts/slurm/portsweep-merge.sh, `portsweep merge`) run as a job that
# depends on the array.  Checks, for a -Pn sweep and for one with discovery:
#   - every task completed, exit 0; the requeued one (scontrol requeue, as
#     pre-emption) and the one warned of its time limit (USR1 to the batch
#     shell, as --signal=B:USR1@120; it requeues itself) ran twice, and
#     their second runs resumed from their own resume files;
#   - each shard reports only what the truth says, and the shards are
#     pairwise disjoint (no (ip, proto, port) in two shards);
#   - the merged result equals the lab's truth and a single-process sweep of
#     the same targets, with no (ip, proto, port) twice, and its XML is valid
#     against nmap.dtd with the single sweep's count of hosts up;
#   - the merge step without one shard names it, exits 2 and writes nothing.
# About 70 s (the lab lock's wait aside).
#
# Slurm 22.05 (Debian 12) on this machine, as found:
#   - PID 1 is not systemd: the packages' units never start (and must not:
#     scripts/setup installs with a policy-rc.d that refuses); the daemons
#     are started here by hand, with a config of our own (SLURM_CONF) whose
#     state, spool, logs and PID files live in the test's temp dir, and
#     munged on a socket and key of its own (AuthInfo=socket=…), so nothing
#     under /etc, /run or /var is used.
#   - no cgroup plugin: proctrack/linuxproc and task/none need no cgroup.conf
#     nor a writable cgroup tree; a requeue still signals every process of
#     the task (the batch shell and portsweep).
#   - slurmd logs "mpi/pmix: can not load PMIx library" errors at start;
#     harmless (MpiDefault=none).
#   - the host name ("vm" here) is the node's name; NodeAddr and the
#     controller's address are 127.0.0.1, so name resolution does not matter.
#   - the node has 2 cores; the config says 8 CPUs (SlurmdParameters=
#     config_overrides) so the four 2-CPU tasks run at once, sharing the
#     scanner's interface (each shard accepts only its own replies).
#   - `scontrol requeue` makes a requeued task eligible only ~2 minutes
#     later (BeginTime); the test releases it at once with StartTime=now.
# shellcheck source=tests/lab/common.sh
source "$(dirname "$(readlink -f "$0")")/common.sh"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
ARRAY=$SRC/scripts/slurm/portsweep-array.sh
MERGE=$SRC/scripts/slurm/portsweep-merge.sh
COMPARE=$SRC/tests/lab/sweep_compare.py

for p in munged mungekey slurmctld slurmd sbatch squeue scontrol scancel; do
    command -v "$p" >/dev/null || { echo "SKIP: $p is not installed (scripts/setup installs Slurm and munge)"; exit 77; }
done

t_start=$EPOCHREALTIME
elapsed() { awk -v a="$t_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# --- the cluster -------------------------------------------------------------
cl=$work/slurm
export SLURM_CONF=$cl/slurm.conf

# Our daemons and job steps: every process whose environment holds our
# marker (the daemons are started with it and slurmstepd inherits it).
cluster_pids() {
    local e pid
    for e in /proc/[0-9]*/environ; do
        pid=${e#/proc/}
        pid=${pid%/environ}
        [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
        { tr '\0' '\n' <"$e"; } 2>/dev/null | grep -qxF "PORTSWEEP_TEST_CLUSTER=$cl" && alive "$pid" && echo "$pid"
    done
    return 0
}

stop_cluster() {
    [[ -e $cl/slurm.conf ]] || return 0
    scancel --quiet --full --user root 2>/dev/null || true
    local pid
    for _ in $(seq 50); do
        [[ -z $(squeue -h 2>/dev/null) ]] && break
        sleep 0.2
    done
    for pid in $(cat "$cl"/slurmd.pid "$cl"/slurmctld.pid "$cl"/munge/munged.pid 2>/dev/null); do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for _ in $(seq 50); do
        [[ -z $(cluster_pids) ]] && break
        sleep 0.2
    done
    for pid in $(cluster_pids); do
        echo "stop_cluster: killing $pid ($(ps -o args= -p "$pid"))" >&2
        kill -KILL "$pid" 2>/dev/null || true
    done
}
trap 'stop_cluster; cleanup' EXIT

start_cluster() {
    local host
    host=$(hostname -s)
    mkdir -p "$cl"/{munge,state,spool,log}
    chmod 711 "$cl/munge"
    mungekey --create --keyfile="$cl/munge/munge.key" --force
    chmod 600 "$cl/munge/munge.key"
    cat >"$SLURM_CONF" <<EOF
ClusterName=portsweep-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$cl/munge/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$cl/state
SlurmdSpoolDir=$cl/spool
SlurmctldPidFile=$cl/slurmctld.pid
SlurmdPidFile=$cl/slurmd.pid
SlurmctldLogFile=$cl/log/slurmctld.log
SlurmdLogFile=$cl/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
KillWait=15
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=8 State=UNKNOWN
PartitionName=scan Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
    # Each daemon carries the marker cluster_pids looks for.
    local mark=PORTSWEEP_TEST_CLUSTER=$cl
    env "$mark" munged --force --socket="$cl/munge/munge.socket" --key-file="$cl/munge/munge.key" \
        --pid-file="$cl/munge/munged.pid" --log-file="$cl/munge/munged.log" --seed-file="$cl/munge/munged.seed" ||
        fail "munged did not start: $(tail -n 3 "$cl/munge/munged.log")"
    # -i: no saved state to recover (a fresh state dir).
    env "$mark" slurmctld -i || fail "slurmctld did not start: $(tail -n 5 "$cl/log/slurmctld.log")"
    env "$mark" slurmd || fail "slurmd did not start: $(tail -n 5 "$cl/log/slurmd.log")"
    local state=
    for _ in $(seq 100); do
        state=$(sinfo -h -o %T 2>/dev/null || true)
        [[ $state == idle ]] && break
        sleep 0.2
    done
    [[ $state == idle ]] || fail "the node is '$state', not idle: $(tail -n 5 "$cl/log/slurmctld.log")"
    echo "ok   cluster up: munged, slurmctld, slurmd on $host ($(elapsed) s)"
}

# job_field JOBID FIELD: FIELD=... of `scontrol show job JOBID`.
job_field() { scontrol -o show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1; }

# wait_gone JOBID SECONDS: until no task of JOBID is pending or running.
wait_done() {
    local job=$1 limit=$2 t0=$SECONDS
    while [[ -n $(squeue -h -j "$job" 2>/dev/null) ]]; do
        ((SECONDS - t0 < limit)) || fail "job $job still queued or running after $limit s: $(squeue -j "$job")"
        sleep 0.5
    done
}

# --- the merge step: one function ------------------------------------------
# merge_shards DIR ARRAYJOB: the documented final step, `sbatch
# --dependency=afterok:ARRAYJOB portsweep-merge.sh`; on success DIR holds
# merged.jsonl and merged.xml.
merge_shards() {
    local dir=$1 job=$2 mj
    mj=$(PORTSWEEP_OUT=$dir sbatch --parsable --dependency="afterok:$job" --output="$dir/merge-%j.log" "$MERGE") ||
        fail "sbatch of the merge step failed"
    wait_done "$mj" 120
    [[ $(job_field "$mj" JobState) == COMPLETED ]] ||
        { cat "$dir/merge-$mj.log"; fail "the merge job $mj ended $(job_field "$mj" JobState) $(job_field "$mj" ExitCode)"; }
    [[ -s $dir/merged.jsonl && -s $dir/merged.xml ]] || fail "the merge job wrote no merged.jsonl / merged.xml in $dir"
}

# --- checks ------------------------------------------------------------------
# check_array DIR JOB TRUTH SINGLE_JSONL SINGLE_XML: every task completed;
# shards within the truth and pairwise disjoint; merged = truth = single.
check_array() {
    local dir=$1 job=$2 truth=$3 single=$4 single_xml=$5 k state
    for k in 1 2 3 4; do
        state=$(job_field "${job}_$k" JobState)
        [[ $state == COMPLETED ]] ||
            { cat "$dir"/slurm-*_"$k".log; fail "task ${job}_$k ended $state ($(job_field "${job}_$k" ExitCode))"; }
        [[ -s $dir/shard-$k-of-4.jsonl && -s $dir/shard-$k-of-4.xml ]] || fail "shard $k/4 published no outputs"
        python3 "$COMPARE" --subset "$truth" "$dir/shard-$k-of-4.jsonl" >"$dir/compare-$k.txt" ||
            { cat "$dir/compare-$k.txt"; fail "shard $k/4 reports something the truth does not say"; }
        xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$dir/shard-$k-of-4.xml" || fail "shard $k/4: XML not valid"
    done
    python3 - "$dir"/shard-{1,2,3,4}-of-4.jsonl <<'PY' || fail "the shards overlap"
import json, sys
sets = []
for path in sys.argv[1:]:
    keys = [(r["ip"], r["proto"], r["port"]) for r in map(json.loads, open(path)) if "port" in r]
    if len(keys) != len(set(keys)):
        sys.exit(f"{path}: {len(keys) - len(set(keys))} results twice within the shard")
    sets.append(set(keys))
for i in range(len(sets)):
    for j in range(i + 1, len(sets)):
        both = sets[i] & sets[j]
        if both:
            sys.exit(f"shards {i + 1} and {j + 1} both report {len(both)} results, e.g. {sorted(both)[0]}")
print("shards: " + ", ".join(str(len(s)) for s in sets) + " results, pairwise disjoint")
PY
    python3 "$COMPARE" "$truth" "$dir"/shard-{1,2,3,4}-of-4.jsonl >"$dir/compare-union.txt" ||
        { cat "$dir/compare-union.txt"; fail "the four shards together differ from the truth"; }

    merge_shards "$dir" "$job"
    python3 "$COMPARE" "$truth" "$dir/merged.jsonl" | tee "$dir/compare-merged.txt" ||
        fail "the merged result differs from the truth"
    grep -q "repeated across files 0$" "$dir/compare-merged.txt" || fail "the merged result holds a result twice"
    python3 - "$dir/merged.jsonl" "$single" <<'PY' || fail "the merged result differs from the single-process sweep"
import json, sys
def results(path):
    return {(r["ip"], r["proto"], r["port"]): (r["state"], r["reason"])
            for r in map(json.loads, open(path)) if "port" in r}
merged, single = results(sys.argv[1]), results(sys.argv[2])
if merged != single:
    diff = sorted(set(merged.items()) ^ set(single.items()))
    sys.exit(f"{len(diff)} results differ, e.g. {diff[:3]}")
print(f"merged = single-process sweep: {len(merged)} results")
PY
    xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$dir/merged.xml" || fail "the merged XML is not valid"
    local up_merged up_single
    up_merged=$(sed -n 's/.*<hosts up="\([0-9]*\)".*/\1/p' "$dir/merged.xml")
    up_single=$(sed -n 's/.*<hosts up="\([0-9]*\)".*/\1/p' "$single_xml")
    [[ -n $up_merged && $up_merged == "$up_single" ]] ||
        fail "the merged XML says $up_merged hosts up, the single sweep $up_single"
}

# --- the run -----------------------------------------------------------------
"$LAB" up
start_cluster
ports=21,22,53,80,443,8080
targets=198.19.0.0/16
seed=4242
export PORTSWEEP="ip netns exec ps-scan $BIN"

# (1) -Pn: 65536 x 6 probes; at 8000 pps a shard sends its quarter in ~12 s.
"$LAB" truth "T:$ports" >"$work/truth-pn.txt"
"$LAB" exec "$BIN" -sS -n -Pn -p "$ports" --rate 300000 -e ps-scan0 --seed "$seed" \
    -oJ "$work/single-pn.jsonl" -oX "$work/single-pn.xml" "$targets" >/dev/null 2>"$work/single-pn.err" ||
    { cat "$work/single-pn.err"; fail "the single-process -Pn sweep failed"; }
python3 "$COMPARE" "$work/truth-pn.txt" "$work/single-pn.jsonl" || fail "the single-process -Pn sweep differs from the truth"

pn=$work/pn
mkdir -p "$pn"
job=$(PORTSWEEP_OUT=$pn PORTSWEEP_SEED=$seed \
    PORTSWEEP_ARGS="-sS -n -Pn -p $ports --rate 8000 -e ps-scan0 $targets" \
    sbatch --parsable --array=1-4 --output="$pn/slurm-%A_%a.log" "$ARRAY") || fail "sbatch of the array failed"
job=${job%%;*}
echo "== -Pn array: job $job submitted ($(elapsed) s)"

# Once tasks 2 and 3 have run long enough to have checkpointed (every 5 s):
# task 2 is requeued (`scontrol requeue`, as pre-emption does: Slurm TERMs
# every process of the task), task 3 gets the time limit's warning (USR1 to
# its batch shell, as --signal=B:USR1@120 sends) and requeues itself.
t0=$SECONDS
for k in 2 3; do
    until [[ -s $pn/shard-$k-of-4/portsweep.resume && $(job_field "${job}_$k" JobState) == RUNNING ]]; do
        ((SECONDS - t0 < 30)) || fail "task ${job}_$k did not run and checkpoint within 30 s: $(squeue -j "$job")"
        sleep 0.5
    done
done
sleep 2
scontrol requeue "${job}_2" || fail "scontrol requeue ${job}_2 failed"
scancel --batch --signal=USR1 "${job}_3" || fail "scancel --batch --signal=USR1 ${job}_3 failed"
echo "ok   requeued ${job}_2 and warned ${job}_3 of its time limit mid-run ($(elapsed) s)"
for k in 2 3; do
    t0=$SECONDS
    until [[ $(job_field "${job}_$k" JobState) == PENDING ]]; do
        ((SECONDS - t0 < 30)) || fail "task ${job}_$k is $(job_field "${job}_$k" JobState), not pending again after the requeue"
        sleep 0.5
    done
    # The stopped run wrote its resume file before the task could start again.
    [[ -s $pn/shard-$k-of-4/portsweep.resume ]] || fail "the requeued task $k left no resume file"
    [[ ! -e $pn/shard-$k-of-4.jsonl ]] || fail "the requeued task $k's shard was published as complete"
    python3 "$COMPARE" --subset "$work/truth-pn.txt" "$pn/shard-$k-of-4/scan.jsonl" >/dev/null ||
        fail "the stopped run of shard $k reported something the truth does not say"
    scontrol update jobid="${job}_$k" StartTime=now || fail "could not release the requeued task $k"
done
wait_done "$job" 120
echo "ok   the array ran ($(elapsed) s)"

for k in 2 3; do
    log=$pn/slurm-${job}_$k.log
    [[ $(job_field "${job}_$k" Restarts) == 1 ]] ||
        fail "task ${job}_$k restarted $(job_field "${job}_$k" Restarts) times, expected 1"
    grep -q "shard $k/4 (job ${job}_$k, run 2): resuming from $pn/shard-$k-of-4/portsweep.resume" "$log" ||
        { cat "$log"; fail "the requeued task $k did not resume from its resume file"; }
    grep -q "shard $k/4 (job ${job}_$k, run 1): starting" "$log" ||
        fail "the requeued task $k's log lost its first run (--open-mode=append)"
    [[ -s $pn/shard-$k-of-4/scan.resumed-1.jsonl ]] || fail "the resumed run of shard $k wrote no scan.resumed-1.jsonl"
    [[ ! -e $pn/shard-$k-of-4/portsweep.resume ]] || fail "the resumed shard $k left its resume file behind"
done
grep -q "shard 3/4 (job ${job}_3, run 1): requeued" "$pn/slurm-${job}_3.log" ||
    { cat "$pn/slurm-${job}_3.log"; fail "task 3 did not requeue itself on USR1"; }
# Each stopped once, cleanly (a second TERM would have ended portsweep at
# once, without this line).
for k in 2 3; do
    [[ $(grep -c "interrupted; continue with: portsweep --resume" "$pn/shard-$k-of-4/portsweep.err") == 1 ]] ||
        { cat "$pn/shard-$k-of-4/portsweep.err"; fail "shard $k's first run did not stop cleanly, once"; }
done
for k in 1 4; do
    ! grep -q resuming "$pn/slurm-${job}_$k.log" || fail "task ${job}_$k resumed, but was never stopped"
done
echo "ok   the requeued tasks resumed from their resume files"
check_array "$pn" "$job" "$work/truth-pn.txt" "$work/single-pn.jsonl" "$work/single-pn.xml"
echo "ok   -Pn: merged = truth = single sweep, shards disjoint ($(elapsed) s)"
# Without shard 4 (its task never completed), the merge step names it, exits
# 2 and touches no output.
mv "$pn/shard-4-of-4.jsonl" "$work/shard-4-of-4.jsonl"
before=$(sha256sum "$pn"/merged.*)
rc=0
PORTSWEEP_OUT=$pn "$MERGE" >"$work/merge-missing.out" 2>"$work/merge-missing.err" || rc=$?
[[ $rc == 2 && $(wc -l <"$work/merge-missing.err") == 1 ]] && grep -q "shard 4/4" "$work/merge-missing.err" ||
    { cat "$work/merge-missing.err"; fail "a merge without shard 4 exited $rc, expected 2 and one line naming shard 4/4"; }
[[ $(sha256sum "$pn"/merged.*) == "$before" ]] || fail "the refused merge changed the merged outputs"
echo "ok   a merge without shard 4: $(cat "$work/merge-missing.err")"

# (2) with host discovery (nmap's default probes): the ports of the hosts
# discovery finds up; a firewalled host it misses is not port-scanned.
dports=22,80,443
"$LAB" truth --discovery=default --targets "$targets" >"$work/discovery.truth"
"$LAB" truth --targets "$targets" "T:$dports" |
    awk 'NR == FNR { up[$1] = 1; next } ($1 in up)' "$work/discovery.truth" - >"$work/truth-disc.txt"
"$LAB" exec "$BIN" -sS -n -p "$dports" --rate 100000 -e ps-scan0 --seed "$seed" \
    -oJ "$work/single-disc.jsonl" -oX "$work/single-disc.xml" "$targets" >/dev/null 2>"$work/single-disc.err" ||
    { cat "$work/single-disc.err"; fail "the single-process sweep with discovery failed"; }
python3 "$COMPARE" "$work/truth-disc.txt" "$work/single-disc.jsonl" ||
    fail "the single-process sweep with discovery differs from the truth"
disc=$work/disc
mkdir -p "$disc"
job=$(PORTSWEEP_OUT=$disc PORTSWEEP_SEED=$seed \
    PORTSWEEP_ARGS="-sS -n -p $dports --rate 25000 -e ps-scan0 $targets" \
    sbatch --parsable --array=1-4 --output="$disc/slurm-%A_%a.log" "$ARRAY") || fail "sbatch of the array failed"
job=${job%%;*}
wait_done "$job" 120
check_array "$disc" "$job" "$work/truth-disc.txt" "$work/single-disc.jsonl" "$work/single-disc.xml"
echo "ok   discovery: merged = truth = single sweep, shards disjoint ($(elapsed) s)"

# Nothing of the cluster is left once it is stopped.
stop_cluster
left=$(cluster_pids)
[[ -z $left ]] || fail "processes of the cluster left after it stopped: $left"
rm -f "$SLURM_CONF"
echo "ok   the cluster stopped, no process left ($(elapsed) s)"
