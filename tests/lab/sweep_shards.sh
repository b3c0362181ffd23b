#!/usr/bin/env bash
# One scan split into shards that run at once on the one scanner interface
# (--shard I/N --seed S), then `portsweep merge`:
#  - -Pn, four shards: each shard keeps only replies to its own probes (the
#    shards' outputs are pairwise disjoint), and the merge equals the truth,
#    in every format (XML valid against nmap.dtd);
#  - with host discovery, two shards: the merge equals one process's sweep of
#    the same targets, host for host and port for port;
#  - a missing shard and an interrupted one are refused by name; the
#    interrupted shard resumed (--resume, in its own directory) completes the
#    merge, still equal to the truth.
# shellcheck source=tests/lab/common.sh
source "$(dirname "$(readlink -f "$0")")/common.sh"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
ports=21,22,53,80,443,8080
targets=198.19.0.0/16
scan=(-sS -n -p "$ports" -e ps-scan0 --seed 1234)

"$LAB" up
"$LAB" truth "T:$ports" >"$work/truth.txt"

# shard I N DIR [ARGS...]: shard I of N in DIR (its own resume file), in the
# background; its PID in shard_pid.
shard() {
    local i=$1 n=$2 dir=$3
    shift 3
    mkdir -p "$dir"
    (cd "$dir" && exec "$LAB" exec "$BIN" "${scan[@]}" "$@" --shard "$i/$n" \
        -oJ "shard$i.jsonl" -oX "shard$i.xml" "$targets" >"shard$i.out" 2>"shard$i.err") &
    shard_pid=$!
}

echo "== -Pn, 4 shards at once on ps-scan0"
pids=()
for i in 1 2 3 4; do
    shard "$i" 4 "$work/pn/$i" -Pn --rate 20000
    pids+=("$shard_pid")
done
for i in 1 2 3 4; do
    wait "${pids[$((i - 1))]}" || { cat "$work/pn/$i/shard$i.err"; fail "shard $i/4 failed"; }
done
# Together the shards hold the truth, and no port is in two of them: every
# shard dropped the replies to the others' probes (its cookie key is its own).
python3 "$SRC/tests/lab/sweep_compare.py" "$work/truth.txt" "$work"/pn/*/shard*.jsonl | tee "$work/union.txt" ||
    fail "the shards' union differs from the truth"
grep -q "repeated across files 0" "$work/union.txt" || fail "a port is in two shards"
# Their -oJ and -oX both given: each shard is read once.
"$BIN" merge --from "$work"/pn/*/shard*.jsonl "$work"/pn/2/shard2.xml -oA "$work/pn-all" -oJ "$work/pn-all.jsonl" \
    >/dev/null 2>"$work/merge.err" || { cat "$work/merge.err"; fail "merge failed"; }
grep -q 'shard2.xml" is left out' "$work/merge.err" || fail "the second file of shard 2 was not said to be left out"
python3 "$SRC/tests/lab/sweep_compare.py" "$work/truth.txt" "$work/pn-all.jsonl" || fail "the merge differs from the truth"
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/pn-all.xml" || fail "the merged XML is not valid"
grep -q '65536 IP addresses (65536 hosts up)' "$work/pn-all.nmap" || fail "merged normal output: $(tail -n 1 "$work/pn-all.nmap")"
grep -q "^Host: 198.19.0.1 ()	Ports: 21/open/tcp//ftp///, 22/open/tcp//ssh///" "$work/pn-all.gnmap" ||
    fail "merged grepable line for 198.19.0.1 is wrong"
# XML shards alone merge to the same.
"$BIN" merge --from "$work"/pn/*/shard*.xml -oJ "$work/pn-xml.jsonl" >/dev/null 2>&1 || fail "merge of XML shards failed"
python3 "$SRC/tests/lab/sweep_compare.py" "$work/truth.txt" "$work/pn-xml.jsonl" || fail "the XML shards' merge differs"
echo "ok   4 shards: disjoint, merged equal to the truth (JSON and XML shards), XML valid"

echo "== host discovery, 2 shards, against one process"
for i in 1 2; do
    shard "$i" 2 "$work/disc/$i" --rate 60000
    pids[i]=$shard_pid
done
for i in 1 2; do wait "${pids[i]}" || fail "discovering shard $i/2 failed"; done
(cd "$work" && "$LAB" exec "$BIN" "${scan[@]}" --rate 120000 -oJ one.jsonl "$targets" >/dev/null 2>one.err) ||
    fail "the single sweep failed"
"$BIN" merge --from "$work"/disc/*/shard*.jsonl -oJ "$work/disc-all.jsonl" >/dev/null 2>"$work/merge.err" ||
    { cat "$work/merge.err"; fail "merge of discovering shards failed"; }
python3 - "$work/one.jsonl" "$work/disc-all.jsonl" <<'PY' || fail "the merged discovering shards differ from one process"
import json, sys
def read(path):
    ports, up = set(), set()
    for r in map(json.loads, open(path)):
        if "port" in r:
            ports.add((r["ip"], r["proto"], r["port"], r["state"], r["reason"]))
        elif r.get("status") == "up":
            up.add(r["ip"])
    return ports, up
(one_p, one_u), (m_p, m_u) = read(sys.argv[1]), read(sys.argv[2])
print(f"one process: {len(one_u)} hosts up, {len(one_p)} ports; merged shards: {len(m_u)} hosts up, {len(m_p)} ports")
sys.exit(0 if (one_p, one_u) == (m_p, m_u) else 1)
PY
echo "ok   discovering shards merged equal one process"

echo "== a missing shard, an interrupted one, resumed"
out=$("$BIN" merge --from "$work"/pn/1/shard1.jsonl "$work"/pn/2/shard2.jsonl "$work"/pn/4/shard4.jsonl \
    -oJ "$work/never.jsonl" 2>&1 >/dev/null) && fail "a merge without shard 3/4 was accepted"
[[ $out == *"shard 3/4 is missing"* ]] || fail "missing shard not named: $out"
[[ ! -s $work/never.jsonl ]] || fail "a refused merge wrote its output"
rm -rf "$work/pn/3"
shard 3 4 "$work/pn/3" -Pn --rate 20000
sleep 1.5
kill -INT "$shard_pid"  # the subshell exec'd into the lab, then into portsweep
rc=0
wait "$shard_pid" || rc=$?
[[ $rc == 130 ]] || fail "interrupted shard exited $rc, expected 130"
out=$("$BIN" merge --from "$work"/pn/*/shard*.jsonl -oJ "$work/never.jsonl" 2>&1 >/dev/null) &&
    fail "a merge with an interrupted shard was accepted"
[[ $out == *"shard 3/4 ("*"is incomplete: its scan stopped early"* ]] || fail "interrupted shard not named: $out"
(cd "$work/pn/3" && "$LAB" exec "$BIN" --resume portsweep.resume >resumed.out 2>resumed.err) ||
    { cat "$work/pn/3/resumed.err"; fail "resuming shard 3 failed"; }
"$BIN" merge --from "$work"/pn/*/shard*.jsonl -oJ "$work/resumed-all.jsonl" >/dev/null 2>"$work/merge.err" ||
    { cat "$work/merge.err"; fail "merge after the resume failed"; }
grep -q 'shard3.jsonl" is left out: it is incomplete' "$work/merge.err" || fail "the interrupted run's file was not said to be left out"
python3 "$SRC/tests/lab/sweep_compare.py" "$work/truth.txt" "$work/resumed-all.jsonl" ||
    fail "the merge with the resumed shard differs from the truth"
echo "ok   missing and interrupted shards refused by name; resumed, the merge equals the truth"

mapfile -t lab < <(lab_pids)
"$LAB" down
assert_clean "${lab[@]}"
