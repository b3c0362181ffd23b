#!/usr/bin/env bash
# Version detection against Debian's nmap on the lab's real services: on the
# same hosts and ports, `portsweep -sS -sV` must report exactly what
# `nmap -sS -sV` does - service name, TLS tunnel, product, version, extra
# info, host name, OS, device, CPEs - in XML (compared field by field), in
# normal output (port and "Service Info" lines), and again when detection
# runs later on saved results (`portsweep detect --from` an -oJ or -oX file).
#
# The lab has no tcpwrapped port (every service either greets, answers a
# probe or is closed by the population's rules); the unit tests cover
# tcpwrapped with a local server that closes at once.
# shellcheck source=tests/lab/common.sh
source "$(dirname "$(readlink -f "$0")")/common.sh"
COMPARE="$SRC/tests/lab/compare_services.py"
PORTSWEEP=${PORTSWEEP_BIN:-$SRC/build/portsweep}
[[ -x $PORTSWEEP ]] || fail "no portsweep binary at $PORTSWEEP (set PORTSWEEP_BIN)"

"$LAB" up

# Every service port plus a closed one (8080) on the pinned hosts (all open;
# firewalled with 22 and 80 only; assorted closed and filtered ports), and
# six live hosts the population's hash picked.
ports=21,22,53,80,443,6379,8080
hosts=(198.19.0.1 198.19.0.2 198.19.0.3 198.19.0.4 198.19.1.1 198.19.255.254)
mapfile -t -O ${#hosts[@]} hosts < <("$LAB" truth --live --targets 198.19.42.0/24 | head -6)
printf '%s\n' "${hosts[@]}" | sort -t. -k1,1n -k2,2n -k3,3n -k4,4n >"$work/hosts"
echo "== ${#hosts[@]} hosts, ports $ports"

"$LAB" exec nmap -n -Pn -sS -sV -T4 -p "$ports" -iL "$work/hosts" \
    -oX "$work/nmap.xml" -oN "$work/nmap.nmap" >/dev/null
"$LAB" exec "$PORTSWEEP" -n -Pn -sS -sV -T4 -p "$ports" -e ps-scan0 -iL "$work/hosts" \
    -oX "$work/ps.xml" -oN "$work/ps.nmap" -oG "$work/ps.gnmap" -oJ "$work/ps.jsonl" \
    >/dev/null 2>"$work/ps.err" || { cat "$work/ps.err"; fail "portsweep -sV failed"; }
grep '^portsweep: version detection' "$work/ps.err" || true

echo "== inline -sV, XML, field by field"
python3 "$COMPARE" "$work/nmap.xml" "$work/ps.xml" --min-open 40

echo "== inline -sV, normal output"
# Open-port lines and "Service Info" lines of each host, blanks collapsed.
# (Unanswered ports are left out: a stateless sweep counts them under "Not
# shown" where nmap lists a few one by one; lab-sweep-vs-truth checks states.)
lines() {
    awk '/^Nmap scan report for/ { print; next }
         (/^[0-9]+\/(tcp|udp) / && $2 == "open") || /^Service Info:/ { $1 = $1; print }' "$1"
}
diff <(lines "$work/nmap.nmap") <(lines "$work/ps.nmap") || fail "normal output differs from nmap's"
echo "ok   $(lines "$work/ps.nmap" | grep -c '/tcp') port lines and $(lines "$work/ps.nmap" | grep -c '^Service Info') Service Info lines as nmap prints them"

echo "== XML valid against nmap.dtd"
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/ps.xml" || fail "XML not valid against nmap.dtd"
echo "ok   $work/ps.xml"

echo "== grepable and JSON lines carry the versions"
grep -q '22/open/tcp//ssh//OpenSSH [^/]*(protocol 2.0)/' "$work/ps.gnmap" || fail "grepable: no ssh version"
grep -q '443/open/tcp//ssl|http//nginx ' "$work/ps.gnmap" || fail "grepable: no ssl|http"
grep -q '"port":443,"state":"open","service":"http","product":"nginx".*"tunnel":"ssl","method":"probed","conf":10' \
    "$work/ps.jsonl" || fail "JSON lines: no service record for 443"
echo "ok"

echo "== default timing (the database's full waits, no -T4 cap)"
"$LAB" exec "$PORTSWEEP" -n -Pn -sS -sV -p "$ports" -e ps-scan0 -iL "$work/hosts" \
    -oX "$work/ps-t3.xml" >/dev/null 2>"$work/ps.err" || { cat "$work/ps.err"; fail "portsweep -sV -T3 failed"; }
grep '^portsweep: version detection' "$work/ps.err" || true
python3 "$COMPARE" "$work/nmap.xml" "$work/ps-t3.xml" --min-open 40

echo "== offline: sweep with -oJ, then portsweep detect --from the JSON lines"
"$LAB" exec "$PORTSWEEP" -n -Pn -sS -T4 -p "$ports" -e ps-scan0 -iL "$work/hosts" \
    -oJ "$work/sweep.jsonl" >/dev/null 2>&1 || fail "sweep without -sV failed"
"$LAB" exec "$PORTSWEEP" detect --from "$work/sweep.jsonl" -T4 \
    -oX "$work/detect-json.xml" -oN "$work/detect-json.nmap" >/dev/null 2>"$work/detect.err" ||
    { cat "$work/detect.err"; fail "portsweep detect --from JSON failed"; }
python3 "$COMPARE" "$work/nmap.xml" "$work/detect-json.xml" --min-open 40
diff <(lines "$work/nmap.nmap") <(lines "$work/detect-json.nmap") ||
    fail "detect --from JSON: normal output differs from nmap's"
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/detect-json.xml" || fail "detect XML not valid"

echo "== offline: portsweep detect --from nmap's own XML (no -sV results in it are reused)"
"$LAB" exec nmap -n -Pn -sS -T4 -p "$ports" -iL "$work/hosts" -oX "$work/nmap-syn.xml" >/dev/null
"$LAB" exec "$PORTSWEEP" detect --from "$work/nmap-syn.xml" -T4 -oX "$work/detect-xml.xml" \
    >/dev/null 2>"$work/detect.err" || { cat "$work/detect.err"; fail "portsweep detect --from XML failed"; }
python3 "$COMPARE" "$work/nmap.xml" "$work/detect-xml.xml" --min-open 40

mapfile -t pids < <(lab_pids)
"$LAB" down
assert_clean "${pids[@]}"
