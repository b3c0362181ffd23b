#!/usr/bin/env bash
# The engine issue's acceptance run: a -sS sweep of the whole class-B at
# 300k pps finds exactly the lab's ground truth, three runs in a row (the
# third writing its probes into an AF_PACKET TX ring, --pcap-tx ring), and
# every output format it writes is well formed (XML valid against nmap.dtd).
source "$(dirname "$(readlink -f "$0")")/common.sh"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
ports=21,22,53,80,443,8080

"$LAB" up
"$LAB" truth "T:$ports" > "$work/truth.txt"
live_answering=$(awk '$4!="filtered" || $5!="no-response" {print $1}' "$work/truth.txt" | sort -u | wc -l)

for run in 1 2 3; do
  tx=()
  [[ $run == 3 ]] && tx=(--pcap-tx ring)
  "$LAB" exec "$BIN" -sS -n -Pn -p "$ports" --rate 300000 -e ps-scan0 "${tx[@]}" \
    -oA "$work/run$run" -oJ "$work/run$run.jsonl" 198.19.0.0/16 > "$work/run$run.out" 2> "$work/run$run.err" \
    || { cat "$work/run$run.err"; fail "run $run exited non-zero"; }
  tail -n 3 "$work/run$run.err"
  python3 "$SRC/tests/lab/sweep_compare.py" "$work/truth.txt" "$work/run$run.jsonl" \
    || fail "run $run differs from the truth"
  xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/run$run.xml" \
    || fail "run $run: XML is not valid against nmap.dtd"
  # -Pn: every target is up (nmap's user-set), and exactly the truth's
  # answering hosts have a port that answered.
  up=$(sed -n 's/.*(\([0-9]*\) hosts up).*/\1/p' "$work/run$run.out")
  [[ $up == 65536 ]] || fail "run $run: $up hosts up; -Pn takes all 65536 targets to be up"
  answering=$(python3 -c 'import json,sys; print(len({json.loads(l)["ip"] for l in open(sys.argv[1]) if "\"port\"" in l}))' \
    "$work/run$run.jsonl")
  [[ $answering == "$live_answering" ]] || fail "run $run: $answering hosts answered, the truth has $live_answering answering"
  grep -q "^Host: 198.19.0.1 ()	Ports: 21/open/tcp//ftp///, 22/open/tcp//ssh///" "$work/run$run.gnmap" \
    || fail "run $run: grepable line for 198.19.0.1 is wrong: $(grep '198.19.0.1 ()	Ports' "$work/run$run.gnmap")"
  grep -q "rejected cookies" "$work/run$run.err" || fail "run $run: no summary on stderr"
  echo "ok   run $run matches the truth ($up hosts up), XML valid"
done
