#!/usr/bin/env bash
# portsweep's host discovery (-sn, -P*, the discovery before a port scan,
# -Pn) against the lab's discovery truth (`scripts/lab truth --discovery`,
# itself checked against Debian's nmap by lab-truth-vs-nmap) and against nmap:
#   (a) -sn of the class-B with nmap's default probes: the hosts up in -oX
#       and -oG and the normal output's count are the truth's, each with a
#       reason the truth allows; XML valid against nmap.dtd;
#   (b) the same with explicit probe sets;
#   (c) -sn of the on-link LAN finds its hosts by ARP, with their MACs;
#   (d) nmap -sn and portsweep -sn of a /20 find the same hosts;
#   (e) a port scan without -Pn reports exactly the hosts discovery finds
#       up, and for them the -sS truth of the ports;
#   (f) -Pn reports every address up ("user-set"), the dead ones too;
#   (i) -v lists the down hosts as nmap -v does, and every host up has its
#       latency.
# Skipped (77) while portsweep refuses -sn: the nmap half runs first, so
# it is checked even then.
# shellcheck source=tests/lab/common.sh
source "$(dirname "$(readlink -f "$0")")/common.sh"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
COMPARE="$SRC/tests/lab/compare_discovery.py"
RATE=100000
failed=()

"$LAB" up

# Up hosts of an -oX report, one address per line, sorted.
up_hosts() {
    python3 -c '
import sys, xml.etree.ElementTree as ET
for h in ET.parse(sys.argv[1]).getroot().iter("host"):
    s = h.find("status")
    if s is not None and s.get("state") == "up":
        print(next(a.get("addr") for a in h.iter("address") if a.get("addrtype") == "ipv4"))' "$1" | sort
}

# (d), nmap's half: nmap -sn with its default probes on a /20 equals the truth.
nmap_targets=198.19.0.0/20
"$LAB" truth --discovery=default --targets "$nmap_targets" >"$work/nmap20.truth"
t0=$EPOCHREALTIME
"$LAB" exec nmap -sn -n -T4 -oX "$work/nmap20.xml" "$nmap_targets" >/dev/null
echo "== nmap -sn -T4 $nmap_targets ($(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s)"
python3 "$COMPARE" "$work/nmap20.truth" "$work/nmap20.xml" || fail "nmap -sn differs from the lab's discovery truth"

# ps_discovery NAME PROBES TARGETS PORTSWEEP_ARGS…: portsweep with these
# arguments (PROBES, nmap's spelling, are added unless "default"), its -oX,
# -oG and normal output compared with `truth --discovery=PROBES`.  Returns 3
# if portsweep refused -sn as an unknown option (nothing else is checked).
ps_discovery() {
    local name=$1 probes=$2 targets=$3 t0=$EPOCHREALTIME rc=0
    shift 3
    local -a p=()
    [[ $probes == default ]] || read -ra p <<<"$probes"
    local out=$work/$name
    # shellcheck disable=SC2086 # the target list is meant to split
    "$LAB" exec "$BIN" "${p[@]}" "$@" -oX "$out.xml" -oG "$out.gnmap" ${targets//,/ } \
        >"$out.out" 2>"$out.err" || rc=$?
    if ((rc != 0)); then
        if grep -qiE -- '(not expected|unknown|unrecognized|invalid).*-sn|-sn.*(not expected|unknown|unrecognized)' "$out.err"; then
            return 3
        fi
        tail -n 5 "$out.err"
        failed+=("$name: portsweep exited with status $rc")
        return 0
    fi
    local secs
    secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
    local -a truth_flags=()
    [[ " $* " == *" --disable-arp-ping "* ]] && truth_flags=(--disable-arp-ping)
    [[ " $* " == *" -Pn "* ]] && probes=-Pn
    "$LAB" truth --discovery="$probes" "${truth_flags[@]}" --targets "$targets" >"$out.truth"
    echo "== $name: portsweep ${p[*]} $* $targets ($secs s)"
    python3 "$COMPARE" "$out.truth" "$out.xml" --grepable "$out.gnmap" || failed+=("$name: hosts or reasons differ from the truth")
    xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$out.xml" || failed+=("$name: XML is not valid against nmap.dtd")
    # The normal output: one "Host is up" per host, and the summary's count.
    local want shown summary
    want=$(wc -l <"$out.truth")
    shown=$(grep -c '^Host is up' "$out.out" || true)
    summary=$(grep -oE '\(([0-9]+) hosts? up\)' "$out.out" | grep -oE '[0-9]+' || echo none)
    [[ $shown == "$want" && $summary == "$want" ]] ||
        failed+=("$name: normal output shows $shown 'Host is up' lines and '$summary hosts up', the truth $want")
    return 0
}

# (a) nmap's default probes over the class-B.  The first run also tells
# whether this portsweep has host discovery at all.
rc=0
ps_discovery sn-default default 198.19.0.0/16 -sn -n --rate "$RATE" -e ps-scan0 || rc=$?
if ((rc == 3)); then
    echo "SKIP: portsweep refuses -sn (no host discovery yet): $(grep -m1 . "$work/sn-default.err")"
    echo "      (nmap's half passed: nmap -sn of $nmap_targets equals the lab's discovery truth)"
    exit 77
fi

# (b) explicit probe sets: TCP SYN to two ports with ICMP echo; UDP (closed
# ports' port unreachable, 161's ICMP rejects), TCP ACK and ICMP timestamp.
# Not -PU53: nmap 7.93 sends -PU datagrams empty, which DNS ignores, while
# nmap-payloads' DNS query gets an answer, and which of the two portsweep
# should do is its own choice (truth --discovery --udp-payloads has both).
ps_discovery sn-pe-ps "-PE -PS22,80" 198.19.0.0/16 -sn -n --rate "$RATE" -e ps-scan0
ps_discovery sn-pu-pa-pp "-PU161,40125 -PA443 -PP" 198.19.0.0/16 -sn -n --rate "$RATE" -e ps-scan0

# (c) the LAN: every host by ARP with its own MAC, nothing else.
ps_discovery sn-lan default 198.18.1.0/24 -sn -n -e ps-scan1 --exclude 198.18.1.1 -oJ "$work/sn-lan.jsonl"
python3 "$SRC/tests/lab/check_arp_discovery.py" "$work/sn-lan.xml" || failed+=("sn-lan: not every LAN host found by ARP with its MAC")

# (d) portsweep's half: the same /20 as nmap above, the same hosts.
ps_discovery sn-20 default "$nmap_targets" -sn -n --rate "$RATE" -e ps-scan0
diff <(up_hosts "$work/nmap20.xml") <(up_hosts "$work/sn-20.xml") >"$work/d.diff" ||
    failed+=("nmap -sn and portsweep -sn of $nmap_targets find different hosts ($(grep -c '^[<>]' "$work/d.diff") differ)")

# (e) a port scan with the default discovery: the hosts discovery finds up,
# and for exactly those the -sS truth of the ports (a host discovery misses,
# such as a firewalled one with 22 open, must not be port-scanned).
ports=22,80,443
ps_discovery scan-default default 198.19.0.0/24 -sS -p "$ports" -n --rate "$RATE" -e ps-scan0 \
    -oJ "$work/scan-default.jsonl"
"$LAB" truth --targets 198.19.0.0/24 "T:$ports" |
    awk 'NR == FNR { up[$1] = 1; next } ($1 in up)' "$work/scan-default.truth" - >"$work/scan-default.ports"
python3 "$SRC/tests/lab/sweep_compare.py" "$work/scan-default.ports" "$work/scan-default.jsonl" ||
    failed+=("scan-default: the ports of the hosts found up differ from the -sS truth")

# (f) -Pn: no discovery; every address of the /28 is up, dead ones too.
ps_discovery scan-pn default 198.19.0.0/28 -Pn -sS -p 22 -n --rate "$RATE" -e ps-scan0 \
    -oJ "$work/scan-pn.jsonl"
[[ $(up_hosts "$work/scan-pn.xml" | wc -l) == 16 ]] || failed+=("scan-pn: not all 16 addresses of the /28 reported up")
"$LAB" truth --targets 198.19.0.0/28 T:22 >"$work/scan-pn.ports"
python3 "$SRC/tests/lab/sweep_compare.py" "$work/scan-pn.ports" "$work/scan-pn.jsonl" ||
    failed+=("scan-pn: port 22 differs from the -sS truth")

# (i) -v lists the hosts discovery found down as nmap -v does: every address
# of the /24 is in -oX, up or down as nmap -v -sn has it; the normal output
# says "[host down]" for each down one; and every host up has its latency,
# whatever answer found it (an echo reply, or a SYN-ACK or RST).
"$LAB" exec "$BIN" -sn -v -n --rate "$RATE" -e ps-scan0 -oX "$work/v.xml" -oN "$work/v.nmap" 198.19.0.0/24 \
    >/dev/null 2>"$work/v.err" || failed+=("-v: portsweep failed")
"$LAB" exec nmap -sn -v -n -T4 -oX "$work/nmap-v.xml" 198.19.0.0/24 >/dev/null 2>&1
python3 - "$work/v.xml" "$work/nmap-v.xml" <<'PY' || failed+=("-v: hosts up and down differ from nmap -v's")
import sys, xml.etree.ElementTree as ET
def states(path):
    out = {}
    for h in ET.parse(path).getroot().iter("host"):
        ip = next(a.get("addr") for a in h.iter("address") if a.get("addrtype") == "ipv4")
        out[ip] = h.find("status").get("state")
    return out
ours, nmaps = states(sys.argv[1]), states(sys.argv[2])
count = lambda d, s: sum(v == s for v in d.values())
print(f"== -v: portsweep {count(ours, 'up')} up, {count(ours, 'down')} down; nmap {count(nmaps, 'up')} up, {count(nmaps, 'down')} down")
bad = sorted(ip for ip in set(ours) | set(nmaps) if ours.get(ip) != nmaps.get(ip))
for ip in bad[:10]:
    print(f"    {ip}: portsweep {ours.get(ip)}, nmap {nmaps.get(ip)}")
sys.exit(1 if bad or len(ours) != 256 else 0)
PY
[[ $(grep -c ' \[host down\]$' "$work/v.nmap") == $(grep -c 'state="down"' "$work/v.xml") ]] ||
    failed+=("-v: the normal output's [host down] lines and the XML's down hosts differ")
up=$(grep -c '^Host is up' "$work/v.nmap")
with_latency=$(grep -Ec '^Host is up \([0-9.]+s latency\)\.$' "$work/v.nmap")
[[ $up -gt 0 && $up == "$with_latency" ]] || failed+=("-v: $((up - with_latency)) of $up hosts up have no latency")
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/v.xml" || failed+=("-v: XML is not valid against nmap.dtd")

# (g) Ctrl-C in the port sweep of a discovering scan, then --resume: the
# resume file keeps the hosts found (portsweep.resume.hosts), the resumed run
# probes exactly those, and its outputs hold the hosts up and their ports.
mkdir "$work/resume" && pushd "$work/resume" >/dev/null
"$LAB" truth --discovery=default --targets 198.19.0.0/22 >hosts.truth
"$LAB" truth --targets 198.19.0.0/22 T:1-2000 | awk 'NR == FNR { up[$1] = 1; next } ($1 in up)' hosts.truth - >ports.truth
"$LAB" exec "$BIN" -sS -n -p 1-2000 --rate 40000 -e ps-scan0 -oJ part.jsonl -oX part.xml 198.19.0.0/22 \
    >part.out 2>part.err &
pid=$!
# Discovery of the /22 takes ~1 s; the port sweep's ~500k probes then ~12 s:
# stop it 2 s in.
for _ in $(seq 100); do grep -q "host discovery:" part.err 2>/dev/null && break; sleep 0.1; done
sleep 2
pkill -INT -f -- "-oJ part.jsonl" || failed+=("resume: the scan was over before it could be interrupted")
rc=0; wait "$pid" || rc=$?
if [[ $rc != 130 || ! -s portsweep.resume.hosts ]]; then
    failed+=("resume: the interrupted scan exited $rc, hosts sidecar $(ls portsweep.resume.hosts 2>&1)")
else
    "$LAB" exec "$BIN" --resume portsweep.resume >resumed.out 2>resumed.err || failed+=("resume: the resumed scan failed")
    grep -q "host discovery:" resumed.err && failed+=("resume: the resumed scan ran discovery again")
    python3 "$COMPARE" hosts.truth part.resumed-1.xml >/dev/null || failed+=("resume: the resumed run's hosts up differ from the truth")
    python3 "$SRC/tests/lab/sweep_compare.py" ports.truth part.resumed-1.jsonl ||
        failed+=("resume: the resumed run's ports differ from the -sS truth of the hosts up")
    echo "== resume: interrupted with $(grep -c '"port"' part.jsonl) port results, resumed to the truth"
fi
popd >/dev/null

# (h) --traceroute: the population's namespace is the hosts' own (one hop),
# so every host up there is reached at TTL 1, as nmap --traceroute finds it:
# by ICMP echo, or for a host that drops echo requests (a firewalled one) by
# a SYN to the open port most hosts have; the zombie and the FTP relay are
# three hops away, behind two routers (198.18.0.2, 198.18.2.2).
"$LAB" exec "$BIN" -sS -n -p 22 --traceroute --rate "$RATE" -e ps-scan0 -oX "$work/trace.xml" -oJ "$work/trace.jsonl" \
    198.19.0.0/28 198.18.3.10 198.18.3.21 \
    >"$work/trace.out" 2>"$work/trace.err" || failed+=("traceroute: portsweep failed")
"$LAB" exec nmap -sS -n -p 22 --traceroute -oX "$work/nmap-trace.xml" 198.19.0.0/28 198.18.3.10 198.18.3.21 >/dev/null 2>&1
python3 - "$work/trace.xml" "$work/nmap-trace.xml" <<'PY' || failed+=("traceroute: the hops differ from nmap's")
import sys, xml.etree.ElementTree as ET
def routes(path):
    out = {}
    for h in ET.parse(path).getroot().iter("host"):
        ip = next(a.get("addr") for a in h.iter("address") if a.get("addrtype") == "ipv4")
        out[ip] = [(int(x.get("ttl")), x.get("ipaddr")) for x in h.iter("hop")]
    return out
ours, nmaps = routes(sys.argv[1]), routes(sys.argv[2])
print(f"== traceroute: {sum(1 for r in ours.values() if r)} of {len(ours)} hosts traced, "
      f"{sum(map(len, ours.values()))} hops; nmap {sum(1 for r in nmaps.values() if r)}")
bad = [ip for ip in set(nmaps) | set(ours) if ours.get(ip) != nmaps.get(ip)]
for ip in bad[:10]:
    print(f"    {ip}: portsweep {ours.get(ip)}, nmap {nmaps.get(ip)}")
three = [ip for ip, r in ours.items() if len(r) == 3]
print(f"== traceroute: {len(three)} hosts three hops away: {three}")
# Every hop has its round trip, those found by a SYN too (the probe's send
# time is noted, as an echo carries its own).
no_rtt = [(h.get("ipaddr"), h.get("ttl")) for h in ET.parse(sys.argv[1]).getroot().iter("hop") if not h.get("rtt")]
if no_rtt:
    print(f"    hops without a round trip: {no_rtt[:10]}")
sys.exit(1 if bad or len(three) != 2 or no_rtt else 0)
PY
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/trace.xml" || failed+=("traceroute: XML is not valid against nmap.dtd")

# (j) every -oJ file above (hosts up with MACs, ports, routes) against the
# documented schema, data/portsweep-jsonl.schema.json.
python3 "$SRC/scripts/validate-jsonl" --complete "$work/sn-lan.jsonl" "$work/scan-default.jsonl" \
    "$work/scan-pn.jsonl" "$work/trace.jsonl" || failed+=("-oJ: records that do not follow data/portsweep-jsonl.schema.json")

mapfile -t pids < <(lab_pids)
"$LAB" down
assert_clean "${pids[@]}"
((${#failed[@]} == 0)) || fail "${failed[*]}"
echo "ok   host discovery equals the lab's truth and nmap: class-B, probe sets, LAN, port scan, -Pn"
