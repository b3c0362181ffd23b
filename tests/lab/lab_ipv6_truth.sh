#!/usr/bin/env bash
# The lab's IPv6 side against Debian's nmap: `nmap -6 -n -Pn --reason`, run
# inside the scanner namespace, must see exactly what `scripts/lab truth`
# says for IPv6 targets, port by port, state and reason: -sS, -sA, -sW, -sU
# and -sO on a sample of the population's /112 (about 200 addresses the
# population picks so that every host kind, every override and rewritten
# reset windows are there, plus dead addresses of the /64 beyond the /112)
# and -sS, -sU, -sO on the on-link segment 2001:db8:0:1::/64, whose hosts
# nmap must find by neighbour discovery.  Also: the lab's DNS server answers
# AAAA and ip6.arpa PTR queries as `truth --dns --family 6` says, and nmap -6
# scans a name that has only an AAAA record.
# shellcheck source=tests/lab/common.sh
source "$(dirname "$(readlink -f "$0")")/common.sh"
COMPARE="$SRC/tests/lab/compare_nmap.py"
t_start=$EPOCHREALTIME

secs() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# The sample: the first 32 addresses (the pinned hosts), then, chosen by the
# population itself, four hosts with each override of each protocol,
# firewalled hosts, hosts with reset windows, dead hosts and plain ones, and
# four dead addresses of the /64 beyond the /112.
python3 - "$SRC/lab" >"$work/sample" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
sys.dont_write_bytecode = True
import population as pop

picked = list(range(32))
want = {}
for proto, acts in pop.OVERRIDE_ACTIONS.items():
    for act in acts:
        want[(proto, act)] = 4
want.update({"firewalled": 16, "window": 8, "dead": 60, "plain": 40})
for h in range(256, 1 << 16):
    host = pop.Host(h)
    take = False
    if not host.live:
        kinds = ["dead"]
    else:
        kinds = [(p, a) for (p, _), a in host.overrides.items()]
        kinds += ["firewalled"] * host.firewalled + ["window"] * bool(host.window)
        kinds += ["plain"] * (not host.overrides and not host.firewalled)
    for k in kinds:
        if want.get(k, 0) > 0:
            want[k] -= 1
            take = True
    if take:
        picked.append(h)
    if not any(want.values()):
        break
for h in picked:
    print(pop.Host6(h).addr)
for extra in ("2001:db8:1::1:0", "2001:db8:1::1:1", "2001:db8:1::8000:1", "2001:db8:1:0:1::5"):
    print(extra)
EOF
sample=$(paste -sd, "$work/sample")
echo "sample: $(wc -l <"$work/sample") addresses of 2001:db8:1::/64"

"$LAB" up

failed=()
runs=0
# run_compare SCAN PORTS TARGETS REQUIRE NMAP_ARGS…: nmap -6 -SCAN on the
# targets (a comma list), the truth of the same scan, compared line by line;
# REQUIRE "yes": every state and reason the lab can give for SCAN over IPv6
# must be among them.
run_compare() {
    local scan=$1 ports=$2 targets=$3 require=$4 t0=$EPOCHREALTIME
    shift 4
    local -a req=()
    [[ $require == yes ]] && req=(--require-states)
    local out=$work/$((++runs))-$scan
    tr , '\n' <<<"$targets" >"$out.targets"
    "$LAB" exec nmap -6 -n -Pn --reason "-$scan" "$@" -p "$ports" -oX "$out.xml" \
        -iL "$out.targets" >/dev/null
    "$LAB" truth --scan "$scan" --targets "$targets" "$ports" >"$out.truth"
    echo "== nmap -6 -$scan of $(wc -l <"$out.targets") addresses × $ports ($(secs "$t0") s)"
    python3 "$COMPARE" "$out.truth" "$out.xml" --scan "$scan" "${req[@]}" ||
        failed+=("-6 -$scan of ${targets:0:40}…")
}

fast=(-T4 --max-retries 1 --min-rate 3000)
tcp_ports=21,22,25,53,80,110,443,6379,8080,8443,53053
run_compare sS "$tcp_ports" "$sample" yes -T4
run_compare sA 80 "$sample" no "${fast[@]}"
# The rewritten reset windows: -sW reads them open.
run_compare sW "$tcp_ports" "$sample" yes "${fast[@]}"
run_compare sU U:53,123,161 "$sample" yes "${fast[@]}"
run_compare sO 0-6,17,41,43,44,47,50,51,58,59,60,103,132,136,255 "$sample" yes "${fast[@]}"

# The on-link segment: the live hosts and a few unused addresses (each of
# those costs nmap a failed neighbour resolution).
lan=$("$LAB" truth --live --family 6 --targets 198.18.1.0/24 | paste -sd,),2001:db8:0:1::2,2001:db8:0:1::ff
run_compare sS 21,22,25,53,80,443,8080,8443 "$lan" no -T4
run_compare sU U:7,53 "$lan" no "${fast[@]}"
run_compare sO 0-255 "$("$LAB" truth --live --family 6 --targets 198.18.1.0/24 | paste -sd,)" no "${fast[@]}"
# Every LAN host is found by neighbour discovery, nothing else is.
echo "== nmap -6 -sn of the LAN's addresses"
# shellcheck disable=SC2086 # the target list is meant to split
"$LAB" exec nmap -6 -n -sn -oX "$work/sn.xml" ${lan//,/ } >/dev/null
python3 - "$work/sn.xml" "$("$LAB" truth --live --family 6 --targets 198.18.1.0/24 | paste -sd,)" <<'EOF' ||
import sys, xml.etree.ElementTree as ET
want = set(sys.argv[2].split(","))
up = {}
for h in ET.parse(sys.argv[1]).getroot().iter("host"):
    st = h.find("status")
    if st.get("state") == "up":
        addr = next(a.get("addr") for a in h.iter("address") if a.get("addrtype") == "ipv6")
        up[addr] = st.get("reason")
bad = sorted(set(up) ^ want) + sorted(a for a, r in up.items() if r != "nd-response")
print(f"    {len(up)} up by {sorted(set(up.values()))}, truth {len(want)} live")
sys.exit(1 if bad else 0)
EOF
    failed+=("-6 -sn of the LAN")

# DNS: AAAA (and ip6.arpa PTR) records as the truth says, through ps-scan's
# resolver (the lab's dnsmasq), and nmap -6 scanning a name that only has
# an AAAA record.
echo "== AAAA and PTR records"
while read -r kind name addrs; do
    [[ $kind == aaaa ]] || continue
    got=$("$LAB" exec getent ahostsv6 "$name" | awk '$1 !~ /^::ffff:/ { print $1 }' | sort -u | paste -sd,)
    want=$(tr , '\n' <<<"$addrs" | sort | paste -sd,)
    [[ $got == "$want" ]] || failed+=("AAAA $name: '$got', truth $want")
done < <("$LAB" truth --dns --family 6)
while read -r kind addr name; do
    [[ $kind == ptr ]] || continue
    got=$("$LAB" exec getent hosts "$addr" | awk '{ print $2 }')
    [[ $got == "$name" ]] || failed+=("PTR $addr: '$got', truth $name")
done < <("$LAB" truth --dns --family 6)
"$LAB" exec nmap -6 -Pn -sS -p 22 -oX "$work/name.xml" v6.lab.test >/dev/null
grep -q 'addr="2001:db8:1::101" addrtype="ipv6"' "$work/name.xml" &&
    grep -q 'portid="22"><state state="open"' "$work/name.xml" ||
    failed+=("nmap -6 v6.lab.test did not scan 2001:db8:1::101 22/tcp open")

mapfile -t pids < <(lab_pids)
"$LAB" down
assert_clean "${pids[@]}"
((${#failed[@]} == 0)) || fail "nmap -6 differs from the truth in: ${failed[*]}"
echo "ok   all in $(secs "$t_start") s"
