#!/usr/bin/env bash
# Bad input end to end, table-driven: every line of bad_input.cases is a
# command line (often naming one of the fixture files made below) that
# portsweep must refuse. For each case the runner checks that
#   - the exit status is the one the table gives (2 for a usage error);
#   - stderr is exactly one line, holds the table's text, and is printable
#     (valid UTF-8, no control bytes): a message never echoes raw input;
#   - nothing is written to stdout;
#   - every file in the working directory is unchanged (same names, same
#     checksums) and no file was added: a refused command loses nothing and
#     leaves nothing behind, whatever output options it named.
# Cases run in a network namespace of their own when unshare allows it, so
# a case that slipped past validation finds no interface to scan from.
set -uo pipefail
BIN=${PORTSWEEP_BIN:?}
CASES=${BAD_INPUT_CASES:-$(cd "$(dirname "$0")" && pwd)/bad_input.cases}
top=$(mktemp -d)
trap 'rm -rf "$top"' EXIT
work=$top/cwd

# --- fixtures -------------------------------------------------------------
make_fixtures() {
precious() { printf 'precious %s: written by an earlier scan\n' "$1" > "$1"; }
for f in keep.nmap keep.xml keep.gnmap keep.jsonl keep.txt; do precious "$f"; done
mkdir dir
: > empty.txt
printf '# only comments\n\n   \n# and blank lines\n' > comments.txt
printf '\x7fELF\x02\x01\x01\x00\x1b[31m\x07\xff\xfe\x00\x01rest' > binary.bin
printf '198.19.0.1\n\x1b]0;pwned\x07\n' > escape-targets.txt
printf 'hello \x1b[2J\x1b[31mred\x07 world\n' > notresume.txt
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR' > binary-resume
printf 'portsweep-resume 2\nseed 1\n' > resume-nokey
printf 'portsweep-resume 2\nseed 99999999999999999999999\n' > resume-bigseed
printf 'portsweep-resume 2\nseed 1\nkey 0123\n' > resume-shortkey
printf 'portsweep-resume 2\nseed 1\nkey 000102030405060708090a0b0c0d0e0f\nthreads 0\n' > resume-threads
printf 'portsweep-resume 2\nseed 1\nkey 000102030405060708090a0b0c0d0e0f\nfrobnicate 3\n' > resume-unknown
printf 'portsweep-resume 2\nseed 1\nkey 000102030405060708090a0b0c0d0e0f\npass -1\n' > resume-pass
printf 'portsweep-resume 2\nseed 1\nkey 000102030405060708090a0b0c0d0e0f\nthreads 1\nposition 0 5\nanswered 4\n' \
  > resume-nosidecar
printf 'portsweep-resume 2\nseed 1\nkey 000102030405060708090a0b0c0d0e0f\nthreads 1\nposition 0 5\narg -sS\narg --frobnicate\n' \
  > resume-badargs
# Saved scans for `portsweep detect --from` and `portsweep report --from`.
xml_head='<?xml version="1.0"?>\n'
printf "$xml_head"'<nmaprun start="99999999999999999999" args="x">\n</nmaprun>\n' > saved-start.xml
printf "$xml_head"'<nmaprun start="9223372036854775807">\n</nmaprun>\n' > saved-start-max.xml
printf "$xml_head"'<nmaprun start="1">\n<host starttime="-9223372036854775808"><address addr="198.19.0.1" addrtype="ipv4"/>\n</host>\n</nmaprun>\n' > saved-starttime.xml
printf "$xml_head"'<nmaprun start="1">\n<host starttime="1" endtime="18446744073709551616"><address addr="198.19.0.1" addrtype="ipv4"/>\n</host>\n</nmaprun>\n' > saved-endtime.xml
printf "$xml_head"'<nmaprun start="12x">\n</nmaprun>\n' > saved-start-text.xml
printf "$xml_head"'<nmaprun start="1">\n<scaninfo type="syn" protocol="tcp" numservices="99999999999" services="1"/>\n</nmaprun>\n' > saved-numservices.xml
printf "$xml_head"'<nmaprun start="1">\n<host><address addr="198.19.0.1" addrtype="ipv4"/>\n<ports><port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="300"/></port></ports>\n</host>\n</nmaprun>\n' > saved-ttl.xml
printf "$xml_head"'<nmaprun start="1">\n<runstats><hosts up="1" down="0" total="-5"/></runstats>\n</nmaprun>\n' > saved-total.xml
printf "$xml_head"'<nmaprun start="1">\n<host><address addr="198.19.0.1" addrtype="ipv4"/>\n<ports><port protocol="tcp" portid="70000"><state state="open" reason="syn-ack"/></port></ports>\n</host>\n</nmaprun>\n' > saved-portid.xml
printf "$xml_head"'<nmaprun start="1">\n<host><address addr="198.19.0.1" addrtype="ipv4"/>\n<ports><port protocol="tcp" portid="22"><state state="sideways" reason="syn-ack"/></port></ports>\n</host>\n</nmaprun>\n' > saved-state.xml
printf "$xml_head"'<nmaprun start="1">\n<host><address addr="198.19.0.1" addrtype="ipv4"/>\n<ports><extraports state="open" count="65535"><extrareasons reason="syn-ack" count="65535" proto="tcp" ports="1-65535"/></extraports></ports>\n</host>\n</nmaprun>\n' > saved-extra-open.xml
printf "$xml_head"'<nmaprun start="1">\n<host><address addr="198.19.0.1" addrtype="ipv4"/>\n<ports><extraports state="closed" count="9"><extrareasons reason="reset" count="9" proto="tcp" ports="1-99999"/></extraports></ports>\n</host>\n</nmaprun>\n' > saved-extra-range.xml
printf "$xml_head"'<nmaprun start="1">\n<host><address addr="198.19.0.1" addrtype="ipv4"/>\n<ports><port protocol="tcp" portid="22"' > saved-truncated.xml
printf '<?xml version="1.0"?>\n<html><body>not a scan</body></html>\n' > saved-html.xml
printf '{"ip":"198.19.0.1","proto":"tcp","port":22,"state":"open","time":"99999-01-01T00:00:00Z"}\n' > saved-time.jsonl
printf '{"ip":"198.19.0.1","proto":"tcp","port":22,"state":"open","time":"yesterday"}\n' > saved-time-text.jsonl
printf '{"ip":"198.19.0.1","proto":"tcp","port":99999999999999999999,"state":"open"}\n' > saved-port.jsonl
printf '{"ip":"198.19.0.1","proto":"tcp","port":22,"state":"open","ttl":-1}\n' > saved-ttl.jsonl
printf '{"ip":"300.19.0.1","proto":"tcp","port":22,"state":"open"}\n' > saved-ip.jsonl
printf '{"ip":"198.19.0.1","proto":"tcp","port":22}\n' > saved-nostate.jsonl
printf '{"ip":"198.19.0.1","proto":"tcp","port":22,"state":"open"}\n{"ip":\n' > saved-broken.jsonl
# A finished shard (start and end records) with a damaged line in between.
{
  printf '{"scan":"start","args":"portsweep -p 22 198.19.0.1","start":"2026-11-21T19:00:00Z","targets":1,"scans":[]}\n'
  printf '{"ip":"198.19.0.1","proto":"tcp","port":22,"state":"open"}\n{"ip":\n'
  printf '{"scan":"end","time":"2026-11-21T19:00:01Z","status":"complete"}\n'
} > shard-broken.jsonl
# An escape byte written as JSON's \u001b reaches the value; a raw one is not JSON.
printf '{"ip":"198.19.0.1\\u001b[31m","proto":"tcp","port":22,"state":"open"}\n' > saved-escape.jsonl
printf '{"ip":"198.19.0.1\x1b[31m","proto":"tcp","port":22,"state":"open"}\n' > saved-raw-escape.jsonl
printf '\n  \n' > saved-blank.jsonl
printf 'ip,port\n198.19.0.1,22\n' > saved.csv
printf '{"ip":"198.19.0.1","proto":"tcp","port":22,"state":"open"}\n' > saved-good.jsonl
# JSON lines of a scan killed mid-line (SIGKILL), for `portsweep report --from`.
printf '{"ip":"198.19.0.1","proto":"tcp","port":22,"state":"open"}\n{"ip":"198.19.0.2","pro' > saved-cut.jsonl
printf '{"ip":"198.19.0.1","proto":"tcp","po' > saved-cut-only.jsonl
printf '{"ip":"300.19.0.1","proto":"tcp","port":22,"state":"open"}\n{"ip":"198.19.0.2","pro' > saved-bad-then-cut.jsonl
printf '{"ip":"198.19.0.1","proto":"tcp","port":22,"state":"open"}\n{"ip":"300.19.0.2","proto":"tcp","port":22,"state":"open"}' > saved-bad-last.jsonl
# --datadir folders holding one broken data file each.
mkdir dd-services dd-services-empty dd-probes-regex dd-probes-lookbehind dd-probes-empty dd-probes-directive dd-probes-dir
mkdir dd-services/nmap-services
printf '# no services here\n' > dd-services-empty/nmap-services
printf 'Probe TCP NULL q||\nmatch ssh m|^SSH-([\\d.]+|\nmatch http m|^HTTP/1|\n' > dd-probes-regex/nmap-service-probes
printf 'Probe TCP NULL q||\nmatch ok m|^ok|\nsoftmatch x m/(?<=a+)b/\n' > dd-probes-lookbehind/nmap-service-probes
: > dd-probes-empty/nmap-service-probes
printf 'Probe TCP NULL q||\nmatchh ssh m|^SSH|\n' > dd-probes-directive/nmap-service-probes
mkdir dd-probes-dir/nmap-service-probes
mkdir dd-payloads
printf 'udp 53 "\\q"\n' > dd-payloads/nmap-payloads
}
fresh_fixtures() { cd "$top" && rm -rf "$work" && mkdir "$work" && cd "$work" && make_fixtures; }
fresh_fixtures || exit 1

# --- the cases ------------------------------------------------------------
isolate=()
if unshare -rn true 2>/dev/null; then isolate=(unshare -rn); fi
trim() { local t=${1#"${1%%[![:space:]]*}"}; printf '%s' "${t%"${t##*[![:space:]]}"}"; }
snapshot() { find . -printf '%p %y %s %m\n' | LC_ALL=C sort; find . -type f -exec sha256sum {} + | LC_ALL=C sort; }
before=$(snapshot)
failures=0 cases=0 lineno=0
while IFS= read -r line || [[ -n $line ]]; do
  lineno=$((lineno + 1))
  [[ -z ${line//[[:space:]]/} || $line == \#* ]] && continue
  IFS='|' read -r status needle words <<< "$line"
  status=${status//[[:space:]]/}
  needle=$(trim "$needle")
  words=$(trim "$words")
  eval "args=($words)"
  cases=$((cases + 1))
  timeout 20 "${isolate[@]}" "$BIN" "${args[@]}" </dev/null >"$top/stdout" 2>"$top/stderr"
  rc=$?
  err=$(<"$top/stderr")
  problems=()
  [[ $rc == "$status" ]] || problems+=("exit $rc, expected $status")
  [[ $err == *"$needle"* ]] || problems+=("stderr lacks \"$needle\"")
  [[ $(wc -l < "$top/stderr") == 1 && -n $err ]] || problems+=("stderr is not exactly one line")
  if LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]' "$top/stderr" || ! iconv -f UTF-8 -t UTF-8 "$top/stderr" >/dev/null 2>&1; then
    problems+=("stderr holds control bytes or invalid UTF-8")
  fi
  [[ -s $top/stdout ]] && problems+=("wrote to stdout")
  after=$(snapshot)
  if [[ $after != "$before" ]]; then
    problems+=("changed the working directory: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -4 | tr '\n' ' ')")
    fresh_fixtures || exit 1  # the next case starts from the same files
  fi
  if ((${#problems[@]})); then
    failures=$((failures + 1))
    printf 'FAIL line %d: portsweep %s\n      %s\n      stderr: %s\n' "$lineno" "$words" \
      "$(IFS=';'; echo "${problems[*]}")" "$(printf '%s' "$err" | cat -v | head -c 600)"
  else
    printf 'ok   %-60.60s -> %s\n' "$words" "$err"
  fi
done < "$CASES"

# -sL prints every target, with the exclusions taken out.
out=$("$BIN" -sL -n 198.19.0.0/30 --exclude 198.19.0.2)
cases=$((cases + 1))
if [[ $(grep -c '^Nmap scan report for' <<< "$out") == 3 && $out != *198.19.0.2* ]]; then
  echo "ok   -sL lists the targets less the exclusions"
else
  echo "FAIL: -sL output: $out"
  failures=$((failures + 1))
fi
echo "$((cases - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
