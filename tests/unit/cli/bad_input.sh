#!/usr/bin/env bash
# Bad input end to end: the built binary prints one line naming the bad value
# and exits 2, for each example the foundation issue lists and a few more.
set -uo pipefail
BIN=${PORTSWEEP_BIN:?}
failures=0
expect() {  # expect NEEDLE ARGS...
  local needle=$1; shift
  local err rc
  err=$("$BIN" "$@" 2>&1 >/dev/null); rc=$?
  if [[ $rc -ne 2 || $err != *"$needle"* ]]; then
    echo "FAIL: portsweep $* -> exit $rc, stderr: $err (expected exit 2 and \"$needle\")"
    failures=$((failures + 1))
  else
    echo "ok   portsweep $* -> $err"
  fi
}
expect '"300.1.1.1"' -sL 300.1.1.1
expect '"10.0.0.0/33"' -sL 10.0.0.0/33
expect '"70000"' -p 70000 198.19.0.1
expect '"5-1"' -p 5-1 198.19.0.1
expect '/nonexistent/targets.txt' -sL -iL /nonexistent/targets.txt
expect '--frobnicate' --frobnicate 198.19.0.1
expect '"abcxyz"' -p abcxyz 198.19.0.1
expect '"0"' --top-ports 0 198.19.0.1
expect '"2"' --port-ratio 2 198.19.0.1
expect '"nosuch.invalid"' -sL nosuch.invalid
expect 'no targets' -sL
expect '"10.0.0.5-1"' -sL 10.0.0.5-1
expect 'exclusion "999.1.1.1"' -sL 198.19.0.0/24 --exclude 999.1.1.1
expect '"/nonexistent/resume"' --resume /nonexistent/resume
# Scan types and their options (the generic engine issue).
expect 'needs --seed' -sS --shard 1/2 198.19.0.1
expect '-r (ports in order) is not supported' -r 198.19.0.1
expect '"SYNFOO"' -sS --scanflags SYNFOO 198.19.0.1
expect '"300"' -sS --scanflags 300 198.19.0.1
expect 'only one tcp scan type may be given' -sS -sA 198.19.0.1
expect 'no TCP scan type' -sU --scanflags SYN 198.19.0.1
expect 'run it without port scan types' -sO -sS 198.19.0.1
expect 'IP protocol numbers are 0-255' -sO -p 1-300 198.19.0.1
expect '-F, --top-ports' -sO -F 198.19.0.1
expect 'no udp ports for -sU' -sU -p T:80 198.19.0.1
expect 'no tcp ports for -sS' -sS -p U:53 198.19.0.1
# -sT (the connect scan issue).
expect 'only one tcp scan type may be given' -sS -sT 198.19.0.1
expect '-sT runs on the kernel'"'"'s sockets and cannot share a scan with -sU' -sT -sU 198.19.0.1
expect '--scanflags sets raw TCP flags' -sT --scanflags SYN 198.19.0.1
expect 'contradict' --privileged --unprivileged 198.19.0.1
expect 'needs root or CAP_NET_RAW' -sA --unprivileged 198.19.0.1
expect 'no tcp ports for -sT' -sT -p U:53 198.19.0.1
# -sL prints every target, with the exclusions taken out
out=$("$BIN" -sL -n 198.19.0.0/30 --exclude 198.19.0.2)
[[ $(grep -c '^Nmap scan report for' <<< "$out") == 3 && $out != *198.19.0.2* ]] \
  || { echo "FAIL: -sL output: $out"; failures=$((failures + 1)); }
echo "$failures failures"
[[ $failures -eq 0 ]]
