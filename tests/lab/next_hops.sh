#!/usr/bin/env bash
# Next hops per target, resolved in the lab's scanner namespace by
# portsweep-next-hops (io/next_hop_plan.hpp):
#   198.19.0.0/16  routed through 198.18.0.2: one segment, one MAC, no ARP per address
#   198.18.0.0/24  on-link: .2 answers ARP, .1 is ours, .0 and .255 are never
#                  asked, every other address is asked 3 times and stays silent
#   198.20.0.1     inside 198.18.0.0/15 but without a route in the lab: unroutable
#   198.18.1.0/24  the LAN behind ps-scan1: exactly the live hosts of the
#                  truth answer, each with its own MAC
# A packet socket in ps-target records every ARP request that reaches the
# target side, so "never asked" is checked on the wire, and nmap's ARP ping
# of the /24 must find the same hosts.
# shellcheck source=tests/lab/common.sh
source "$(dirname "$(readlink -f "$0")")/common.sh"

TOOL=${PORTSWEEP_NEXT_HOPS:-$SRC/build/tests/lab/portsweep-next-hops}
if [[ ! -x $TOOL ]]; then
    echo "SKIP: no portsweep-next-hops at $TOOL"
    exit 77
fi
if [[ -x /usr/bin/python3 ]]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
GW_MAC=02:50:53:00:00:02

"$LAB" up

# Every ARP message on the target's side of the veth: "who-has ADDR tell
# SENDER", and the target's answers with their bytes; and every IPv6
# Neighbor Solicitation ("ns who-has ADDR from SRC to MAC") and
# Advertisement ("na ADDR to DST").
"$LAB" exec true # the namespaces exist
ip netns exec ps-target "$PYTHON" -u - "$work/capture.ready" >"$work/arp.log" <<'PY' &
import socket, struct, sys
# ETH_P_ALL: a socket bound to ETH_P_ARP would not see the target's own answers.
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind(("ps-tgt0", 0))
open(sys.argv[1], "w").close()
while True:
    f = s.recv(2048)
    # IPv6 Neighbor Discovery (no extension headers): solicitations and
    # advertisements with their target.
    if len(f) >= 78 and f[12:14] == b"\x86\xdd" and f[20] == 58 and f[54] in (135, 136):
        ntop = lambda b: socket.inet_ntop(socket.AF_INET6, b)
        if f[54] == 135:
            print("ns who-has", ntop(f[62:78]), "from", ntop(f[22:38]), "to", f[0:6].hex(":"))
        else:
            print("na", ntop(f[62:78]), "to", ntop(f[38:54]))
        continue
    if len(f) < 42 or f[12:14] != b"\x08\x06":
        continue
    op, = struct.unpack("!H", f[20:22])
    if op == 1:
        print("who-has", socket.inet_ntoa(f[38:42]), "tell", socket.inet_ntoa(f[28:32]))
    elif op == 2:
        print("reply", socket.inet_ntoa(f[28:32]), "to", socket.inet_ntoa(f[38:42]), f.hex())
PY
capture_pid=$!
for _ in $(seq 100); do [[ -e $work/capture.ready ]] && break; sleep 0.05; done
[[ -e $work/capture.ready ]] || fail "the ARP capture in ps-target did not start"

# Runs the tool in the scanner namespace with a cold neighbour table, so every
# MAC comes from our own ARP sweep.
resolve() {
    ip -n ps-scan neigh flush dev ps-scan0
    resolve_warm "$@"
}
# The same, with the neighbour table as it is.
resolve_warm() {
    local out=$1
    shift
    "$LAB" exec "$TOOL" "$@" >"$work/$out" 2>"$work/$out.err" ||
        fail "portsweep-next-hops $* failed: $(cat "$work/$out.err")"
    grep -v '^host .* silent$' "$work/$out" | sed "s/^/   $out: /"
}
expect_line() { # FILE LINE
    grep -qxF -- "$2" "$work/$1" ||
        fail "$1: no line \"$2\"; the ${2%% *} lines: $(grep -F -- "${2%% *} " "$work/$1" | head -5)"
}
expect_count() { # FILE PATTERN N
    local n
    n=$(grep -cE -- "$2" "$work/$1" || true)
    [[ $n -eq $3 ]] || fail "$1: $n lines match /$2/, expected $3"
}

echo "== the routed class B: one segment, one MAC"
resolve routed --repeat 20 --mac-of 198.19.0.0 --mac-of 198.19.255.255 198.19.0.0/16
expect_line routed "plan uniform segments 1 lookup_bytes $(grep -oE 'lookup_bytes [0-9]+' "$work/routed" | cut -d' ' -f2)"
expect_line routed "segment first 198.19.0.0 index 0 count 65536 gateway 198.18.0.2"
expect_line routed "mac-of 198.19.0.0 $GW_MAC"
expect_line routed "mac-of 198.19.255.255 $GW_MAC"
expect_line routed "interface ps-scan0 src 198.18.0.1 mac 02:50:53:00:00:01"
expect_count routed '^warning ' 0
bytes=$(grep -oE 'lookup_bytes [0-9]+' "$work/routed" | cut -d' ' -f2)
((bytes < 64)) || fail "a routed /16 holds $bytes bytes of lookup"
echo "ok   198.19.0.0/16: one segment through 198.18.0.2 ($GW_MAC), $bytes bytes of lookup"

echo "== the on-link /24"
resolve onlink --hosts --mac-of 198.18.0.2 --mac-of 198.18.0.3 --mac-of 198.18.0.255 198.18.0.0/24
expect_line onlink "counts targets 256 via_gateway 0 on_link 255 answered 1 known 0 silent 252 not_asked 2 unroutable 1 gateways 0"
grep -qE "^host 198\.18\.0\.2 $GW_MAC arp-response latency_us [0-9]+ reply_time_us [0-9]+$" "$work/onlink" ||
    fail "198.18.0.2 is not reported up by arp-response"
expect_line onlink "host 198.18.0.0 not-asked"
expect_line onlink "host 198.18.0.255 not-asked"
expect_count onlink '^host 198\.18\.0\.[0-9]+ silent$' 252
expect_line onlink "segment first 198.18.0.1 index 1 count 1 unroutable local-address"
expect_line onlink "mac-of 198.18.0.2 $GW_MAC"
expect_line onlink "mac-of 198.18.0.3 none"
expect_line onlink "mac-of 198.18.0.255 none"
expect_line onlink "warning 252 on-link targets on ps-scan0 did not answer ARP (3 requests each) and are skipped (e.g. 198.18.0.3)."
grep -qE '^arp requests 757 replies 1 .* timed_out 0$' "$work/onlink" ||
    fail "expected 253 addresses asked, .2 once and 252 three times: $(grep '^arp ' "$work/onlink")"
echo "ok   198.18.0.0/24: .2 answered, 252 silent after 3 requests, .0 and .255 not asked, .1 is ours"

echo "== a target without a route"
resolve mixed -e ps-scan0 --mac-of 198.20.0.1 --mac-of 198.19.7.7 --mac-of 198.18.0.2 \
    198.18.0.0/24 198.19.0.0/16 198.20.0.1
expect_line mixed "segment first 198.20.0.1 index 65792 count 1 unroutable no-route"
expect_line mixed "mac-of 198.20.0.1 none"
expect_line mixed "mac-of 198.19.7.7 $GW_MAC"
expect_line mixed "mac-of 198.18.0.2 $GW_MAC"
expect_line mixed "counts targets 65793 via_gateway 65536 on_link 255 answered 1 known 0 silent 252 not_asked 2 unroutable 2 gateways 1"
expect_line mixed "warning 2 targets cannot be sent to from ps-scan0 and are skipped (198.18.0.1 is one of this host's own addresses)."
if "$LAB" exec "$TOOL" 198.20.0.1 >/dev/null 2>"$work/none.err"; then
    fail "a scan of only 198.20.0.1 was not refused"
fi
grep -qxF "portsweep-next-hops: cannot send to any target: 198.20.0.1 has no route." "$work/none.err" ||
    fail "unexpected refusal: $(cat "$work/none.err")"
echo "ok   198.20.0.1: unroutable, and alone it is refused in one line"

echo "== limits and the kernel's neighbour table"
rc=0
"$LAB" exec "$TOOL" --max-on-link 100 198.18.0.0/24 >/dev/null 2>"$work/big.err" || rc=$?
[[ $rc -eq 2 ]] || fail "an on-link set over the limit exited $rc, not 2"
grep -qxF "portsweep-next-hops: 255 targets are on-link on ps-scan0 (first 198.18.0.0), each needing its own ARP answer; portsweep resolves at most 100 at once: scan the link in parts." "$work/big.err" ||
    fail "unexpected message: $(cat "$work/big.err")"
# A fresh kernel entry is taken as is, without asking: give nobody's address
# .5 a permanent entry with a made-up MAC, which no ARP answer could produce.
ip -n ps-scan neigh flush dev ps-scan0
ip -n ps-scan neigh replace 198.18.0.5 lladdr 02:50:53:00:00:55 nud permanent dev ps-scan0
resolve_warm known --hosts 198.18.0.0/28
ip -n ps-scan neigh del 198.18.0.5 dev ps-scan0
expect_line known "host 198.18.0.5 02:50:53:00:00:55 neighbour-table"
# .15 is no broadcast address: the link is a /24, only the targets a /28.
expect_line known "counts targets 16 via_gateway 0 on_link 15 answered 1 known 1 silent 12 not_asked 1 unroutable 1 gateways 0"
# The usual routed case: the kernel knows its gateway. No ARP, no packet socket.
ip -n ps-scan neigh replace 198.18.0.2 lladdr "$GW_MAC" nud reachable dev ps-scan0
resolve_warm routedwarm --repeat 20 --mac-of 198.19.0.0 198.19.0.0/16
expect_line routedwarm "mac-of 198.19.0.0 $GW_MAC"
grep -qE '^arp requests 0 replies 0 ' "$work/routedwarm" || fail "the fresh gateway entry was asked again"
echo "ok   over the on-link limit: refused before sending; a fresh kernel entry is used as is, for a host or the gateway"

echo "== the LAN: 198.18.1.0/24 behind ps-scan1, several hosts"
ip -n ps-scan neigh flush dev ps-scan1
resolve_warm lan --hosts 198.18.1.0/24
expect_line lan "interface ps-scan1 src 198.18.1.1 mac 02:50:53:01:00:01"
grep -E '^host .* arp-response ' "$work/lan" | awk '{ print $2, $3 }' | sort >"$work/lan.found"
"$LAB" truth --live --targets 198.18.1.0/24 | while read -r a; do
    printf '%s 02:50:53:01:00:%02x\n' "$a" "${a##*.}"
done | sort >"$work/lan.truth"
diff "$work/lan.truth" "$work/lan.found" >"$work/lan.diff" ||
    fail "the LAN hosts found by ARP differ from the truth (< truth, > found): $(cat "$work/lan.diff")"
live=$(wc -l <"$work/lan.truth")
expect_line lan "counts targets 256 via_gateway 0 on_link 255 answered $live known 0 silent $((253 - live)) not_asked 2 unroutable 1 gateways 0"
echo "ok   the $live live LAN hosts of the truth, each with its own MAC, and nothing else"

echo "== targets behind two interfaces"
resolve two --mac-of 198.18.1.10 198.18.0.2 198.18.1.10
expect_line two "segment first 198.18.1.10 index 1 count 1 unroutable other-interface"
expect_line two "mac-of 198.18.1.10 none"
expect_line two "warning 1 target cannot be sent to from ps-scan0 and is skipped (198.18.1.10 is routed through another interface than ps-scan0)."
if "$LAB" exec "$TOOL" -e ps-scan1 198.19.0.0/16 >/dev/null 2>"$work/wrongif.err"; then
    fail "198.19.0.0/16 out of ps-scan1 was not refused"
fi
grep -qxF "portsweep-next-hops: cannot send to any target: 198.19.0.0 has no route through ps-scan1, and so have the others." "$work/wrongif.err" ||
    fail "unexpected refusal: $(cat "$work/wrongif.err")"
# Our own address first must not take the scan to loopback.
resolve selffirst 198.18.0.1-3
expect_line selffirst "interface ps-scan0 src 198.18.0.1 mac 02:50:53:00:00:01"
expect_line selffirst "segment first 198.18.0.1 index 0 count 1 unroutable local-address"
expect_line selffirst "counts targets 3 via_gateway 0 on_link 2 answered 1 known 0 silent 1 not_asked 0 unroutable 1 gateways 0"
echo "ok   a target routed through the other interface is skipped; -e on the wrong one is refused; our own address first changes nothing"

echo "== IPv6: the routed /112 through 2001:db8::2, by one Neighbor Solicitation"
# The MACs the namespaces' links really have, not the lab script's constants.
link_mac() { ip -n "$1" -br link show "$2" | awk '{ print $3 }'; }
TGT_LINK_MAC=$(link_mac ps-target ps-tgt0)
SCAN_LINK_MAC=$(link_mac ps-scan ps-scan0)
resolve6() {
    ip -n ps-scan -6 neigh flush dev ps-scan0
    resolve_warm "$1" -6 "${@:2}"
}
resolve6 routed6 --repeat 5 --mac-of 2001:db8:1:: --mac-of 2001:db8:1::ffff 2001:db8:1::/112
expect_line routed6 "interface ps-scan0 src 2001:db8::1 mac $SCAN_LINK_MAC"
expect_line routed6 "segment first 2001:db8:1:: index 0 count 65536 gateway 2001:db8::2"
expect_line routed6 "counts targets 65536 via_gateway 65536 on_link 0 answered 0 known 0 silent 0 unroutable 0 gateways 1"
expect_line routed6 "mac-of 2001:db8:1:: $TGT_LINK_MAC"
expect_line routed6 "mac-of 2001:db8:1::ffff $TGT_LINK_MAC"
grep -qE '^plan uniform segments 1 ' "$work/routed6" || fail "the routed /112 is not one uniform segment"
grep -qE '^nd solicitations 1 replies 1 ' "$work/routed6" ||
    fail "expected one solicitation and one answer for the gateway: $(grep '^nd ' "$work/routed6")"
expect_count routed6 '^warning ' 0
bytes6=$(grep -oE 'lookup_bytes [0-9]+' "$work/routed6" | cut -d' ' -f2)
((bytes6 < 64)) || fail "a routed /112 holds $bytes6 bytes of lookup"
echo "ok   2001:db8:1::/112: one segment through 2001:db8::2 ($TGT_LINK_MAC, as ps-tgt0's link says), $bytes6 bytes of lookup"

echo "== IPv6: the on-link /120 of ps-scan0"
resolve6 onlink6 --hosts --nd-retries 2 --mac-of 2001:db8::2 --mac-of 2001:db8::3 2001:db8::1-2001:db8::ff
grep -qE "^host 2001:db8::2 $TGT_LINK_MAC nd-response latency_us [0-9]+ reply_time_us [0-9]+$" "$work/onlink6" ||
    fail "2001:db8::2 is not reported up by nd-response with ps-tgt0's MAC"
expect_line onlink6 "segment first 2001:db8::1 index 0 count 1 unroutable local-address"
expect_line onlink6 "counts targets 255 via_gateway 0 on_link 254 answered 1 known 0 silent 253 unroutable 1 gateways 0"
expect_line onlink6 "mac-of 2001:db8::2 $TGT_LINK_MAC"
expect_line onlink6 "mac-of 2001:db8::3 none"
expect_count onlink6 '^host 2001:db8::[0-9a-f]+ silent$' 253
expect_line onlink6 "warning 253 on-link targets on ps-scan0 did not answer Neighbor Solicitation (3 solicitations each) and are skipped (e.g. 2001:db8::3)."
grep -qE '^nd solicitations 760 replies 1 .* timed_out 0$' "$work/onlink6" ||
    fail "expected 254 addresses asked, ::2 once and 253 three times: $(grep '^nd ' "$work/onlink6")"
# A fresh kernel entry is taken as is: a made-up MAC no answer could give.
ip -n ps-scan -6 neigh replace 2001:db8::5 lladdr 02:50:53:00:00:55 nud permanent dev ps-scan0
resolve_warm known6 -6 --hosts 2001:db8::4-2001:db8::6
ip -n ps-scan -6 neigh del 2001:db8::5 dev ps-scan0
expect_line known6 "host 2001:db8::5 02:50:53:00:00:55 neighbour-table"
expect_line known6 "counts targets 3 via_gateway 0 on_link 3 answered 0 known 1 silent 2 unroutable 0 gateways 0"
echo "ok   2001:db8::2 answered with ps-tgt0's MAC, 253 silent after 3 solicitations, ::1 is ours, a fresh kernel entry used as is"

# The LAN's IPv6 twin, once the lab has it (2001:db8:0:1::N for 198.18.1.N).
if ip -n ps-scan -6 addr show dev ps-scan1 | grep -q '2001:db8:0:1::1/64'; then
    echo "== IPv6: the LAN 2001:db8:0:1::/120 behind ps-scan1, several hosts"
    ip -n ps-scan -6 neigh flush dev ps-scan1
    resolve_warm lan6 -6 --hosts 2001:db8:0:1::-2001:db8:0:1::ff
    expect_line lan6 "interface ps-scan1 src 2001:db8:0:1::1 mac $(link_mac ps-scan ps-scan1)"
    grep -E '^host .* nd-response ' "$work/lan6" | awk '{ print $2, $3 }' | sort >"$work/lan6.found"
    for ns in $(ip netns list | awk '/^ps-lan-h[0-9]+/ { print $1 }'); do
        printf '2001:db8:0:1::%x %s\n' "${ns#ps-lan-h}" "$(link_mac "$ns" eth0)"
    done | sort >"$work/lan6.links"
    diff "$work/lan6.links" "$work/lan6.found" >"$work/lan6.diff" ||
        fail "the LAN hosts found by ND differ from their links (< ip link, > found): $(cat "$work/lan6.diff")"
    echo "ok   the $(wc -l <"$work/lan6.links") LAN hosts, each with the MAC its link has, and nothing else"
    # nmap's neighbour discovery of the same /120 finds the same hosts.
    "$LAB" exec nmap -6 -sn -n -e ps-scan1 -oX "$work/nmap6.xml" 2001:db8:0:1::/120 >/dev/null
    "$PYTHON" - "$work/nmap6.xml" "$work/lan6.found" <<'PY'
import sys, xml.etree.ElementTree as ET
nmap = {(h.find("address[@addrtype='ipv6']").get("addr"), h.find("address[@addrtype='mac']").get("addr").lower())
        for h in ET.parse(sys.argv[1]).getroot().iter("host")
        if h.find("status").get("reason") == "nd-response"}
ours = {tuple(line.split()) for line in open(sys.argv[2])}
print(f"   nmap nd-response: {len(nmap)} hosts; ours: {len(ours)}")
sys.exit(0 if nmap == ours else 1)
PY
    echo "ok   the same hosts and MACs as nmap's nd-response"
else
    echo "skip the LAN has no IPv6 in this lab"
fi

echo "== nmap's ARP ping of the /24 finds the same hosts"
# The wire checks below are about our requests only: nmap asks .0 and .255.
sleep 0.2
ours_end=$(wc -l <"$work/arp.log")
"$LAB" exec nmap -sn -PR -n -e ps-scan0 -oX "$work/nmap.xml" 198.18.0.0/24 >/dev/null
"$PYTHON" - "$work/nmap.xml" "$work/onlink" <<'PY'
import sys, xml.etree.ElementTree as ET
nmap = {h.find("address[@addrtype='ipv4']").get("addr")
        for h in ET.parse(sys.argv[1]).getroot().iter("host")
        if h.find("status").get("reason") == "arp-response"}
ours = {line.split()[1] for line in open(sys.argv[2]) if line.startswith("host ") and "arp-response" in line}
print(f"   nmap arp-response: {sorted(nmap)}; ours: {sorted(ours)}")
sys.exit(0 if nmap == ours else 1)
PY
echo "ok   same hosts up by arp-response as nmap"

echo "== what reached the target side"
kill "$capture_pid"
wait "$capture_pid" 2>/dev/null || true
head -n "$ours_end" "$work/arp.log" >"$work/arp.ours"
ours=$(grep -c ' tell 198\.18\.0\.1$' "$work/arp.ours" || true)
echo "   $ours ARP requests from 198.18.0.1 seen in ps-target before nmap ran"
echo "   nmap asked: $(tail -n +"$((ours_end + 1))" "$work/arp.log" | grep -cE 'who-has 198\.18\.0\.(0|255) ' || true) times for .0 or .255"
if grep -E 'who-has 198\.18\.0\.(0|255) ' "$work/arp.ours"; then
    fail "the network or broadcast address was asked"
fi
if grep -E 'who-has 198\.(19|20)\.' "$work/arp.ours"; then
    fail "a routed or unroutable target was asked"
fi
# .3 was silent in the onlink, mixed, /28 and selffirst runs, 3 requests
# each; .5 was asked in the first two only (the /28 run had its fresh kernel
# entry).
n=$(grep -c 'who-has 198\.18\.0\.3 tell 198\.18\.0\.1$' "$work/arp.ours" || true)
((n == 12)) || fail "198.18.0.3 was asked $n times, expected 12"
n5=$(grep -c 'who-has 198\.18\.0\.5 tell 198\.18\.0\.1$' "$work/arp.ours" || true)
((n5 == 6)) || fail "198.18.0.5 was asked $n5 times, expected 6: its fresh entry was not used"
# IPv6: the routed /112 and our own address were never solicited by us; ::3
# (silent) was solicited 3 times, in the /120 run only; ::5 3 times too, not
# in the ::4-::6 run, where it had a fresh kernel entry.
# (ps-target's kernel checks our address with solicitations of its own.)
ours6='from (2001:db8::1|fe80::50:53ff:fe00:1) '
if grep -E "^ns who-has 2001:db8:1:[^ ]* $ours6" "$work/arp.ours"; then
    fail "a routed IPv6 target was solicited"
fi
if grep -E "^ns who-has 2001:db8::1 $ours6" "$work/arp.ours"; then
    fail "our own IPv6 address was solicited"
fi
n=$(grep -c '^ns who-has 2001:db8::3 from 2001:db8::1 to 33:33:ff:00:00:03$' "$work/arp.ours" || true)
((n == 3)) || fail "2001:db8::3 was solicited $n times (to its solicited-node group), expected 3"
n=$(grep -cE "^ns who-has 2001:db8::5 $ours6" "$work/arp.ours" || true)
((n == 3)) || fail "2001:db8::5 was solicited $n times, expected 3: its fresh entry was not used"
grep -m1 '^na 2001:db8::2 to 2001:db8::1$' "$work/arp.ours" >/dev/null || fail "no advertisement from 2001:db8::2 was seen"
# One captured answer of the target, for the record (and the unit tests).
grep -m1 '^reply 198\.18\.0\.2 to 198\.18\.0\.1 ' "$work/arp.log" | sed 's/^/   /' || true
echo "ok   .0 and .255 never asked, nothing outside the /24 asked, silent addresses asked 3 times a run, known ones not at all"

mapfile -t pids < <(lab_pids)
"$LAB" down
assert_clean "${pids[@]}"
