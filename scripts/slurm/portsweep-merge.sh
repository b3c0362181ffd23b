#!/usr/bin/env bash
# The last step of a scan run as a job array (portsweep-array.sh, beside this
# script): merges the shards' JSON lines into one result with `portsweep
# merge`.  Submit it to run once every array task has succeeded:
#
#   job=$(sbatch --parsable --array=1-16 scripts/slurm/portsweep-array.sh)
#   sbatch --dependency=afterok:${job%%;*} scripts/slurm/portsweep-merge.sh
#
# or run it by hand (it needs no Slurm).  Inputs (environment):
#   PORTSWEEP_OUT     the array's output directory; the merged result is
#                     written there: merged.nmap, merged.xml, merged.gnmap
#                     (-oA) and merged.jsonl (-oJ).
#   PORTSWEEP_SHARDS  N (optional): the number of shards; unset, it is read
#                     from the shard-K-of-N.jsonl files' names.
#   PORTSWEEP         the command that runs portsweep (default: portsweep).
# A shard missing or incomplete: `portsweep merge` names it and exits 2, and
# so does this script; nothing is merged without it.
#SBATCH --job-name=portsweep-merge
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --output=portsweep-merge-%j.log
set -euo pipefail

die() {
    echo "portsweep-merge: $*" >&2
    exit 2
}

[[ -n ${PORTSWEEP_OUT:-} ]] || die "PORTSWEEP_OUT is not set; expected the array's output directory"
cd "${SLURM_SUBMIT_DIR:-.}" || die "cannot enter the submit directory '${SLURM_SUBMIT_DIR:-.}'"
[[ -d $PORTSWEEP_OUT ]] || die "PORTSWEEP_OUT '$PORTSWEEP_OUT' is not a directory"
out=$(cd "$PORTSWEEP_OUT" && pwd)
read -ra cmd <<<"${PORTSWEEP:-portsweep}"
((${#cmd[@]})) || die "PORTSWEEP is empty; expected the command that runs portsweep"
command -v "${cmd[0]}" >/dev/null || die "PORTSWEEP: '${cmd[0]}' is not a command here"

shopt -s nullglob
shards=${PORTSWEEP_SHARDS:-}
if [[ -z $shards ]]; then
    for f in "$out"/shard-*-of-*.jsonl; do
        n=${f##*-of-}
        n=${n%.jsonl}
        [[ -z $shards || $shards == "$n" ]] ||
            die "$out holds shards of $shards and of $n; set PORTSWEEP_SHARDS to the scan's number"
        shards=$n
    done
    [[ -n $shards ]] || die "no shard-K-of-N.jsonl in $out: no shard has completed"
fi
[[ $shards =~ ^[1-9][0-9]*$ ]] || die "PORTSWEEP_SHARDS '$shards' is not a positive number"

# Every complete shard; portsweep merge names any that is missing (it knows
# N from the shards' own records).
from=()
for ((k = 1; k <= shards; k++)); do
    f=$out/shard-$k-of-$shards.jsonl
    [[ -e $f ]] && from+=("$f")
done
((${#from[@]})) || die "none of the $shards shards has completed in $out"

echo "portsweep-merge: merging ${#from[@]} of $shards shards in $out"
"${cmd[@]}" merge --from "${from[@]}" -oA "$out/merged" -oJ "$out/merged.jsonl"
echo "portsweep-merge: wrote $out/merged.{nmap,xml,gnmap,jsonl}"
