#!/usr/bin/env bash
# Version detection against Debian's nmap on the lab's real services: on the
# same hosts and ports, `portsweep -sS -sV` must report exactly what
# `nmap -sS -sV` does - service name, TLS tunnel, product, version, extra
# info, host name, OS, device, CPEs - in XML (compared field by field), in
# normal output (port and "Service Info" lines), and again when detection
# runs later on saved results (`portsweep detect --from` an -oJ or -oX file).
# The lab's slow services too: a mail server that greets only after 2 s
# (2525) and a port that accepts and never speaks (9999), where both must
# end with nmap's table guess ("abyss?").
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
# The -oJ service records of real services follow the documented schema.
python3 "$SRC/scripts/validate-jsonl" --complete "$work/ps.jsonl" ||
    fail "-oJ of -sV: records that do not follow data/portsweep-jsonl.schema.json"

echo "== inline -sV, XML, field by field"
python3 "$COMPARE" "$work/nmap.xml" "$work/ps.xml" --min-open 40

echo "== inline -sV, normal output"
# Every port line, "Not shown" and "Service Info" line of each host, blanks
# collapsed (lab-nmap-fidelity compares whole files).
lines() {
    awk '/^Nmap scan report for/ { print; next }
         /^[0-9]+\/(tcp|udp) / || /^Not shown:/ || /^Service Info:/ { $1 = $1; print }' "$1"
}
diff <(lines "$work/nmap.nmap") <(lines "$work/ps.nmap") || fail "normal output differs from nmap's"
echo "ok   $(lines "$work/ps.nmap" | grep -c '/tcp') TCP port lines and $(lines "$work/ps.nmap" | grep -c '^Service Info') Service Info lines as nmap prints them"

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

echo "== slow services: 2525 greets after 2 s, 9999 never speaks (every probe's wait: minutes)"
# Few hosts: a silent port costs nmap about 2.5 min whatever the host count.
# 198.19.0.1 all open; 198.19.0.3 firewalled (both filtered); 198.19.0.4
# with 22 closed; 198.19.42.14 firewalled with 22 and 2525 open, 9999
# filtered.
slow_ports=22,2525,9999
printf '%s\n' 198.19.0.1 198.19.0.3 198.19.0.4 198.19.42.14 >"$work/slow-hosts"
"$LAB" truth --targets "$(paste -sd, "$work/slow-hosts")" "$slow_ports" |
    awk '$4 == "open" { print $1, $3 }' >"$work/slow-open"
t0=$EPOCHREALTIME
"$LAB" exec nmap -n -Pn -sS -sV -T4 -p "$slow_ports" -iL "$work/slow-hosts" \
    -oX "$work/nmap-slow.xml" -oN "$work/nmap-slow.nmap" >/dev/null
t1=$EPOCHREALTIME
"$LAB" exec "$PORTSWEEP" -n -Pn -sS -sV -T4 -p "$slow_ports" -e ps-scan0 -iL "$work/slow-hosts" \
    -oX "$work/ps-slow.xml" -oN "$work/ps-slow.nmap" >/dev/null 2>"$work/ps.err" ||
    { cat "$work/ps.err"; fail "portsweep -sV on the slow services failed"; }
t2=$EPOCHREALTIME
grep '^portsweep: version detection of' "$work/ps.err" || true
python3 "$COMPARE" "$work/nmap-slow.xml" "$work/ps-slow.xml" --min-open "$(wc -l <"$work/slow-open")"
diff <(lines "$work/nmap-slow.nmap") <(lines "$work/ps-slow.nmap") ||
    fail "slow services: normal output differs from nmap's"
# Equal is not enough: both must say what the services are, on exactly the
# ports the truth has open.
python3 - "$work/ps-slow.xml" "$work/slow-open" <<'PY' || fail "slow services: not identified as expected"
import sys
import xml.etree.ElementTree as ET
report, truth = sys.argv[1:]
want = {tuple(line.split()) for line in open(truth)}
expect = {"2525": {"name": "smtp", "product": "Exim smtpd", "version": "4.96", "hostname": "lab.test",
                   "method": "probed", "conf": "10"},
          "9999": {"name": "abyss", "product": None, "version": None, "method": "table", "conf": "3"},
          "22": {"name": "ssh", "product": "OpenSSH", "method": "probed"}}
got, bad = set(), []
for host in ET.parse(report).getroot().iter("host"):
    addr = next(a.get("addr") for a in host.iter("address") if a.get("addrtype") == "ipv4")
    for port in host.iter("port"):
        if port.find("state").get("state") != "open":
            continue
        pid = port.get("portid")
        got.add((addr, pid))
        svc = port.find("service")
        fields = {k: (svc.get(k) if svc is not None else None) for k in expect[pid]}
        if fields != expect[pid]:
            bad.append(f"{addr}:{pid} {fields}, want {expect[pid]}")
for what, pairs in (("open in the truth, not reported open", want - got), ("reported open, not in the truth", got - want)):
    bad.extend(f"{what}: {a}:{p}" for a, p in sorted(pairs))
for line in bad:
    print("MISMATCH " + line)
sys.exit(1 if bad or not any(p == "9999" for _, p in want) else 0)
PY
grep -Eq '^9999/tcp +open +abyss\?$' "$work/ps-slow.nmap" || fail "normal output: no 'abyss?' guess for 9999"
printf 'ok   %d open ports as nmap reports them (smtp Exim smtpd 4.96 after the delay, abyss? on the silent port); nmap %.1f s, portsweep %.1f s\n' \
    "$(wc -l <"$work/slow-open")" "$(bc <<<"$t1 - $t0")" "$(bc <<<"$t2 - $t1")"

echo "== UDP: -sU -sV -p U:53 on 198.19.0.0/24 finds the DNS server where the truth says 53/udp answers"
# --version-light keeps the silent (open|filtered) ports of live hosts short:
# three probes each instead of nineteen. The answering ports need one.
udp_net=198.19.0.0/24
"$LAB" truth --scan sU --targets "$udp_net" U:53 | awk '$4 == "open" { print $1 }' >"$work/udp-open"
"$LAB" truth --scan sU --targets "$udp_net" U:53 | awk '$4 == "open|filtered" { print $1 }' >"$work/udp-of"
"$LAB" truth --live --targets "$udp_net" >"$work/udp-live"
t0=$(date +%s.%N)
"$LAB" exec "$PORTSWEEP" -n -sU -sV --version-light -T4 -p U:53 -e ps-scan0 "$udp_net" \
    -oX "$work/udp.xml" -oN "$work/udp.nmap" -oG "$work/udp.gnmap" -oJ "$work/udp.jsonl" \
    >/dev/null 2>"$work/udp.err" || { cat "$work/udp.err"; fail "portsweep -sU -sV failed"; }
t_ps=$(echo "$(date +%s.%N) - $t0" | bc)
grep '^portsweep: UDP version detection of' "$work/udp.err" || fail "no UDP version detection summary"
python3 - "$work/udp.xml" "$work/udp-open" "$work/udp-of" "$work/udp-live" <<'PY' || fail "-sU -sV differs from the truth"
import sys
import xml.etree.ElementTree as ET
report, want_open, want_of, live = sys.argv[1:]
want_open = set(open(want_open).read().split())
# Only live hosts are found up; a dead host's port is nobody's.
open_filtered = set(open(want_of).read().split()) & set(open(live).read().split())
found, bad, kept = set(), [], set()
for host in ET.parse(report).getroot().iter("host"):
    addr = next(a.get("addr") for a in host.iter("address") if a.get("addrtype") == "ipv4")
    for port in host.iter("port"):
        if port.get("protocol") != "udp" or port.get("portid") != "53":
            continue
        st = port.find("state")
        if st.get("state") != "open":
            continue
        found.add(addr)
        svc = port.find("service")
        got = (st.get("reason"), svc.get("name"), svc.get("product"), svc.get("method"))
        if got != ("udp-response", "domain", "dnsmasq", "probed") or not svc.get("version"):
            bad.append(f"{addr}: {got} version={svc.get('version')!r}")
missing, extra = want_open - found, found - want_open
for what, addrs in (("open in the truth, not found", missing), ("found open, not in the truth", extra)):
    if addrs:
        bad.append(f"{what}: {' '.join(sorted(addrs))}")
for line in bad:
    print("MISMATCH " + line)
if bad or not want_open:
    sys.exit(1)
print(f"ok   {len(found)} hosts: 53/udp open (udp-response), domain dnsmasq, as the truth says; "
      f"{len(open_filtered)} live hosts' silent 53/udp stays open|filtered")
PY
grep -q '"proto":"udp","port":53,"state":"open","service":"domain","product":"dnsmasq"' "$work/udp.jsonl" ||
    fail "JSON lines: no UDP service record"
grep -q '53/open/udp//domain//dnsmasq ' "$work/udp.gnmap" || fail "grepable: no UDP version"
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/udp.xml" || fail "UDP XML not valid against nmap.dtd"

echo "== UDP: nmap -sU -sV on the same /24 agrees field by field"
t0=$(date +%s.%N)
"$LAB" exec nmap -n -sU -sV --version-light -T4 -p U:53 "$udp_net" -oX "$work/nmap-udp.xml" \
    -oN "$work/nmap-udp.nmap" >/dev/null
t_nmap=$(echo "$(date +%s.%N) - $t0" | bc)
n_open=$(wc -l <"$work/udp-open")
python3 "$COMPARE" "$work/nmap-udp.xml" "$work/udp.xml" --min-open "$n_open"
udp_lines() { awk '/^Nmap scan report for/ { host = $NF } /^53\/udp +open / { $1 = $1; print host, $0 }' "$1"; }
[[ $(udp_lines "$work/udp.nmap" | wc -l) -eq $n_open ]] || fail "normal output: not $n_open open 53/udp lines"
diff <(udp_lines "$work/nmap-udp.nmap") <(udp_lines "$work/udp.nmap") || fail "UDP normal output differs from nmap's"
printf 'ok   %d port lines as nmap prints them; -sU -sV of the /24: portsweep %.2f s, nmap %.2f s\n' \
    "$n_open" "$t_ps" "$t_nmap"

echo "== UDP offline: a -sU sweep's JSON lines, then detect --from them: open and open|filtered ports probed"
"$LAB" exec "$PORTSWEEP" -n -sU -T4 -p U:53 -e ps-scan0 "$udp_net" -oJ "$work/udp-sweep.jsonl" >/dev/null 2>&1 ||
    fail "-sU sweep failed"
"$LAB" exec "$PORTSWEEP" detect --from "$work/udp-sweep.jsonl" --version-light -T4 -oX "$work/udp-detect.xml" \
    >/dev/null 2>"$work/detect.err" || { cat "$work/detect.err"; fail "detect --from the -sU sweep failed"; }
n_of=$(comm -12 <(sort "$work/udp-of") <(sort "$work/udp-live") | wc -l)
grep "^portsweep: UDP version detection of $((n_open + n_of)) ports" "$work/detect.err" ||
    { cat "$work/detect.err"; fail "detect --from: not $n_open open + $n_of open|filtered UDP ports probed"; }
python3 "$COMPARE" "$work/udp.xml" "$work/udp-detect.xml" --min-open "$n_open"

# nmap's XML with its open ports made open|filtered, as a -sU report whose
# payloads went unanswered would hold them.
head -8 "$work/udp-open" >"$work/udp-sample"
"$LAB" exec nmap -n -sU -sV --version-light -T4 -p U:53 -iL "$work/udp-sample" -oX "$work/nmap-udp-sample.xml" \
    >/dev/null
echo "== UDP: detect --from nmap's XML with those ports open|filtered: a response makes them open"
sed 's/state="open" reason="udp-response"/state="open|filtered" reason="no-response"/' "$work/nmap-udp-sample.xml" \
    >"$work/nmap-udp-of.xml"
grep -q 'state="open|filtered"' "$work/nmap-udp-of.xml" || fail "could not rewrite nmap's XML"
"$LAB" exec "$PORTSWEEP" detect --from "$work/nmap-udp-of.xml" --version-light -T4 -oX "$work/detect-udp.xml" \
    -oJ "$work/detect-udp.jsonl" >/dev/null 2>"$work/detect.err" || { cat "$work/detect.err"; fail "detect --from failed"; }
python3 "$COMPARE" "$work/nmap-udp-sample.xml" "$work/detect-udp.xml" --min-open "$(wc -l <"$work/udp-sample")"
n=$(grep -c '<port protocol="udp" portid="53"><state state="open" reason="udp-response"' "$work/detect-udp.xml" || true)
[[ $n -eq $(wc -l <"$work/udp-sample") ]] || fail "detect --from: $n ports turned open (udp-response), want $(wc -l <"$work/udp-sample")"
grep -q '"proto":"udp","port":53,"state":"open","reason":"udp-response"' "$work/detect-udp.jsonl" ||
    fail "detect --from: no JSON record of the port turned open"
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/detect-udp.xml" || fail "detect UDP XML not valid"
# Read back (report --from keeps states, not services), the detect run's JSON
# lines - the port's open|filtered record, then its open one - give the port
# in its later state.
"$PORTSWEEP" report --from "$work/detect-udp.jsonl" -oX "$work/report-udp.xml" >/dev/null 2>"$work/report.err" ||
    { cat "$work/report.err"; fail "report --from the detect run's JSON lines failed"; }
m=$(grep -c '<port protocol="udp" portid="53"><state state="open" reason="udp-response"' "$work/report-udp.xml" || true)
[[ $m -eq $n ]] || fail "report --from the detect run: $m ports open (udp-response), want $n"
grep -q 'open|filtered' "$work/report-udp.xml" && fail "report --from the detect run: a port is still open|filtered"
echo "ok   $n open|filtered ports reported open (udp-response) with nmap's service fields, also read back"

echo "== TCP and UDP in one command: -sS -sU -sV -p T:22,U:53 on those hosts"
"$LAB" exec "$PORTSWEEP" -n -sS -sU -sV -T4 -p T:22,U:53 -e ps-scan0 -iL "$work/udp-sample" -oX "$work/both.xml" \
    >/dev/null 2>"$work/both.err" || { cat "$work/both.err"; fail "-sS -sU -sV failed"; }
grep '^portsweep: .*version detection of' "$work/both.err"
tcp_n=$(grep -c 'portid="22"><state state="open".*<service name="ssh" product="OpenSSH"' "$work/both.xml" || true)
udp_n=$(grep -c 'portid="53"><state state="open".*<service name="domain" product="dnsmasq"' "$work/both.xml" || true)
[[ $tcp_n -eq $n && $udp_n -eq $n ]] || fail "-sS -sU -sV: $tcp_n ssh and $udp_n dnsmasq identified, want $n of each"
echo "ok   $n hosts with OpenSSH on 22/tcp and dnsmasq on 53/udp"

mapfile -t pids < <(lab_pids)
"$LAB" down
assert_clean "${pids[@]}"
