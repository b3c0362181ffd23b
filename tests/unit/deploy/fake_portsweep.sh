#!/bin/sh
# Stands in for portsweep in the scale-out scripts' tests: appends its
# working directory and arguments to $FAKE_PORTSWEEP_LOG and writes the
# outputs a real run would (-oJ/-oX; after --resume, the next
# scan.resumed-K.* and no resume file).  FAKE_PORTSWEEP_RC: its exit status.
# FAKE_PORTSWEEP_WAIT=1: runs until SIGTERM, logging each TERM it gets ("TERM")
# and then writing portsweep.resume and exiting 130 as portsweep does.
echo "$(pwd) $*" >>"$FAKE_PORTSWEEP_LOG"
if [ -n "${FAKE_PORTSWEEP_WAIT:-}" ]; then
    got=0
    trap 'echo TERM >>"$FAKE_PORTSWEEP_LOG"; got=1' TERM
    while [ "$got" = 0 ]; do sleep 0.1; done
    sleep 1 # a second TERM in this time would be logged too
    echo resume >portsweep.resume
    exit 130
fi
if [ "$1" = --resume ]; then
    k=1
    while [ -e "scan.resumed-$k.jsonl" ]; do k=$((k + 1)); done
    echo '{"resumed":'"$k"'}' >"scan.resumed-$k.jsonl"
    echo "<resumed $k/>" >"scan.resumed-$k.xml"
    rm -f portsweep.resume
elif [ "$1" != merge ]; then
    while [ $# -gt 0 ]; do
        case $1 in
        -oJ) echo '{"fresh":1}' >"$2"; shift ;;
        -oX) echo '<fresh/>' >"$2"; shift ;;
        esac
        shift
    done
fi
exit "${FAKE_PORTSWEEP_RC:-0}"
