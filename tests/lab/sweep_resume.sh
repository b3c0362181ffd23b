#!/usr/bin/env bash
# Ctrl-C stops a sweep cleanly with a resume file; --resume continues it. The
# interrupted run reports only ports it heard from (no port it never probed);
# the resumed run's outputs hold the whole scan, exactly the truth; it
# re-sends nothing the first run already heard back from; and nothing the
# first run wrote is touched.
source "$(dirname "$(readlink -f "$0")")/common.sh"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
ports=21,22,53,80,443,8080

"$LAB" up
"$LAB" truth "T:$ports" > "$work/truth.txt"
cd "$work"

# At 50k pps the first pass takes ~8 s; interrupt it after 3.
"$LAB" exec "$BIN" -sS -n -Pn -p "$ports" --rate 50000 -e ps-scan0 \
  -oJ part.jsonl -oX part.xml 198.19.0.0/16 > part.out 2> part.err &
pid=$!
sleep 3
pkill -INT -f -- "-oJ part.jsonl" || fail "could not find the running scan"
rc=0; wait "$pid" || rc=$?
[[ $rc == 130 ]] || { cat part.err; fail "interrupted scan exited $rc, expected 130"; }
[[ -s portsweep.resume ]] || fail "no resume file written"
grep -q "^answered " portsweep.resume || fail "resume file lacks the answered map"
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd part.xml || fail "interrupted XML is not valid"
# Unprobed ports are not reported: no "filtered" count may come from silence.
! grep -q 'extrareasons reason="no-response"' part.xml || fail "the interrupted XML reports unprobed ports as no-response"
before=$(sha256sum part.jsonl part.xml)
first=$(grep -c "\"port\"" part.jsonl)
echo "ok   interrupted after $first results, resume file written"

"$LAB" exec "$BIN" --resume portsweep.resume > resumed.out 2> resumed.err \
  || { cat resumed.err; fail "resumed scan failed"; }
[[ "$(sha256sum part.jsonl part.xml)" == "$before" ]] || fail "the resumed run changed the first run's files"
[[ -s part.resumed-1.jsonl && -s part.resumed-1.xml ]] || fail "the resumed run's outputs are missing"
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd part.resumed-1.xml || fail "resumed XML is not valid"
python3 "$SRC/tests/lab/sweep_compare.py" truth.txt part.resumed-1.jsonl | tee compare.txt \
  || fail "the resumed run's output differs from the truth"
python3 "$SRC/tests/lab/sweep_compare.py" --subset truth.txt part.jsonl \
  || fail "the interrupted run reported something the truth does not say"
# A result in the resumed file twice was heard by both runs: its probe was re-sent.
repeated=$(sed -n 's/.*repeated across files \([0-9]*\).*/\1/p' compare.txt)
(( repeated * 100 <= first )) || fail "$repeated results were found by both runs: the resume re-sent answered probes"
grep -q "done: 65536 IP addresses" resumed.out || fail "the resumed run's report does not cover the whole scan"
echo "ok   the resumed run's output equals the truth; $repeated results repeated"

# A full disk inside a running scan (-oJ /dev/full) stops it cleanly: a clear
# line, exit 1, the other outputs closed and valid, a resume file written.
mkdir full && cd full
rc=0
"$LAB" exec "$BIN" -sS -n -Pn -p "$ports" --rate 50000 -e ps-scan0 -oJ /dev/full -oX full.xml 198.19.0.0/16 \
  > full.out 2> full.err || rc=$?
[[ $rc == 1 ]] || { cat full.err; fail "a scan writing to a full disk exited $rc, expected 1"; }
grep -q "the scan stopped: .*/dev/full.*No space left on device" full.err || { cat full.err; fail "no clear line about the full disk"; }
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd full.xml || fail "the XML of the stopped scan is not valid"
[[ -s portsweep.resume ]] || fail "the stopped scan wrote no resume file"
echo "ok   a full disk stops the scan cleanly: exit 1, valid XML, a resume file"

# SIGKILL mid-sweep: the resume file checkpointed while the scan ran (every
# 5 s) still completes it exactly.
cd "$work" && mkdir killed && cd killed
"$LAB" exec "$BIN" -sS -n -Pn -p "$ports" --rate 25000 -e ps-scan0 -oJ killed.jsonl 198.19.0.0/16 \
  > killed.out 2> killed.err &
pid=$!
sleep 12
pkill -KILL -f -- "-oJ killed.jsonl" || fail "could not find the running scan to kill"
wait "$pid" 2>/dev/null || true
[[ -s portsweep.resume ]] || fail "no checkpointed resume file after SIGKILL"
"$LAB" exec "$BIN" --resume portsweep.resume > resumed.out 2> resumed.err \
  || { cat resumed.err; fail "resuming the killed scan failed"; }
python3 "$SRC/tests/lab/sweep_compare.py" ../truth.txt killed.resumed-1.jsonl \
  || fail "the scan resumed from a checkpoint differs from the truth"
[[ ! -e portsweep.resume ]] || fail "the completed scan left its resume file behind"
echo "ok   SIGKILL after 12 s: the checkpoint resumes the scan exactly, and is removed when it completes"
