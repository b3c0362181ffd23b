#!/usr/bin/env bash
# IPv6 through the stateless sweep (issue 10's acceptance run):
#  1. a -sS sweep of the lab's IPv6 /112 x 6 ports equals the truth, and so
#     does the IPv4 class-B x the same ports, each at 300k pps; the packet
#     rates both held are printed (bench/ipv6_vs_ipv4.sh measures the ratio);
#  2. every other scan type over IPv6 on a /120 (-sA -sW -sU -sO) equals the
#     truth, as portsweep writes it in nmap's XML (the reader nmap's own XML
#     is checked with in lab-ipv6-truth);
#  3. nmap -6 -sS and portsweep -sS on one sample agree with the truth, so
#     with each other;
#  4. the on-link IPv6 segment: -sn finds the LAN's hosts by neighbour
#     discovery (nd-response, with their MACs), and -sS of them equals the truth;
#  5. IPv4 and IPv6 targets in one command: one XML file valid against
#     nmap.dtd holding both families, and JSON lines as the truth says;
#  6. an interrupted IPv6 sweep resumes exactly; two shards merge to the truth;
#  7. -sV over IPv6 names the lab's services;
#  8. what IPv6 cannot have is refused by name (-O, --traceroute, -PP, -sT).
source "$(dirname "$(readlink -f "$0")")/common.sh"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
COMPARE_NMAP="$SRC/tests/lab/compare_nmap.py"
COMPARE_SWEEP="$SRC/tests/lab/sweep_compare.py"
ports=22,53,80,443,3306,8080

"$LAB" up

# 1. The /112 and the class-B, the same ports and pace.
"$LAB" truth --targets 2001:db8:1::/112 "T:$ports" > "$work/truth6.txt"
"$LAB" truth "T:$ports" > "$work/truth4.txt"
for fam in 6 4; do
  target=198.19.0.0/16
  [[ $fam == 6 ]] && target=2001:db8:1::/112
  "$LAB" exec "$BIN" -sS -n -Pn -p "$ports" --rate 300000 -e ps-scan0 -oX "$work/s$fam.xml" -oJ "$work/s$fam.jsonl" \
    "$target" > "$work/s$fam.out" 2> "$work/s$fam.err" || { cat "$work/s$fam.err"; fail "the IPv$fam sweep exited non-zero"; }
  grep "rate held" "$work/s$fam.err" | sed "s/^/IPv$fam: /"
  python3 "$COMPARE_SWEEP" "$work/truth$fam.txt" "$work/s$fam.jsonl" || fail "the IPv$fam sweep differs from the truth"
  xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/s$fam.xml" || fail "IPv$fam XML is not valid against nmap.dtd"
done
grep -q 'addrtype="ipv6"' "$work/s6.xml" || fail "the IPv6 sweep's XML has no addrtype=\"ipv6\" address"
echo "ok   /112 x $ports and the class-B x $ports equal the truth"

# 2. Every scan type over IPv6, on a /120 (the pinned hosts and more).
sample=2001:db8:1::/120
run_type() {  # SCAN PORTS: portsweep -SCAN of the sample, its XML against the truth
  local scan=$1 p=$2
  "$LAB" truth --scan "$scan" --targets "$sample" "$p" > "$work/t-$scan.txt"
  "$LAB" exec "$BIN" "-$scan" -n -Pn --reason -p "${p#*:}" -e ps-scan0 -oX "$work/p-$scan.xml" "$sample" \
    > /dev/null 2> "$work/p-$scan.err" || { cat "$work/p-$scan.err"; fail "-$scan over IPv6 exited non-zero"; }
  python3 "$COMPARE_NMAP" "$work/t-$scan.txt" "$work/p-$scan.xml" --scan "$scan" \
    || fail "-$scan over IPv6 differs from the truth"
}
run_type sS "T:$ports"
run_type sA "T:80,443"
run_type sW "T:$ports"
run_type sU "U:53,123,161"
run_type sO "P:0-6,17,41,47,58,132,255"
echo "ok   -sS -sA -sW -sU -sO over IPv6 equal the truth on $sample"

# 3. nmap -6 on a sample: the same truth portsweep's -sS matched above.
"$LAB" exec nmap -6 -n -Pn --reason -sS -T4 -p "$ports" -oX "$work/nmap6.xml" 2001:db8:1::/122 > /dev/null
"$LAB" truth --scan sS --targets 2001:db8:1::/122 "T:$ports" > "$work/t-nmap.txt"
python3 "$COMPARE_NMAP" "$work/t-nmap.txt" "$work/nmap6.xml" --scan sS || fail "nmap -6 differs from the truth"
echo "ok   nmap -6 -sS of 2001:db8:1::/122 equals the truth portsweep equals"

# 4. The on-link IPv6 segment.
lan=$("$LAB" truth --live --family 6 --targets 198.18.1.0/24 | paste -sd' ')
"$LAB" exec "$BIN" -6 -sn -n -oX "$work/sn.xml" 2001:db8:0:1::/120 > "$work/sn.out" 2> "$work/sn.err" \
  || { cat "$work/sn.err"; fail "-sn of the IPv6 LAN exited non-zero"; }
python3 - "$work/sn.xml" $lan <<'PY' || fail "-sn of the IPv6 LAN differs from the truth"
import sys, xml.etree.ElementTree as ET
want = set(sys.argv[2:])
up = {}
for h in ET.parse(sys.argv[1]).getroot().iter("host"):
    if h.find("status").get("state") != "up":
        continue
    addr = [a for a in h.findall("address") if a.get("addrtype") == "ipv6"][0].get("addr")
    mac = [a for a in h.findall("address") if a.get("addrtype") == "mac"]
    up[addr] = (h.find("status").get("reason"), bool(mac))
bad = {a: v for a, v in up.items() if v != ("nd-response", True)}
print(f"    {len(up)} up, truth {len(want)} live; reasons {sorted(set(v[0] for v in up.values()))}")
sys.exit(1 if set(up) != want or bad else 0)
PY
"$LAB" truth --scan sS --targets "$(echo "$lan" | tr ' ' ,)" "T:22,80,8080" > "$work/t-lan.txt"
"$LAB" exec "$BIN" -sS -n -Pn --reason -p 22,80,8080 -oX "$work/lan.xml" $lan > /dev/null 2> "$work/lan.err" \
  || { cat "$work/lan.err"; fail "-sS of the IPv6 LAN exited non-zero"; }
python3 "$COMPARE_NMAP" "$work/t-lan.txt" "$work/lan.xml" --scan sS || fail "-sS of the IPv6 LAN differs from the truth"
echo "ok   the on-link IPv6 segment: hosts up by neighbour discovery, ports as the truth says"

# 4b. ICMPv6 echo discovery (-PE) of a routed /120: the hosts up are the
# twins of those the IPv4 truth says -PE finds (one population, both families).
"$LAB" truth --discovery PE 198.19.0.0/24 | awk '$2 == "up" {split($1, o, "."); print o[4]}' | sort -n > "$work/pe4.txt"
"$LAB" exec "$BIN" -6 -sn -PE -n -e ps-scan0 -oJ "$work/pe6.jsonl" 2001:db8:1::/120 > /dev/null 2> "$work/pe6.err" \
  || { cat "$work/pe6.err"; fail "-sn -PE over IPv6 exited non-zero"; }
python3 - "$work/pe6.jsonl" <<'PY' | sort -n > "$work/pe6.txt"
import ipaddress, json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("status") == "up" and r.get("reason") == "echo-reply":
        print(int(ipaddress.IPv6Address(r["ip"])) & 0xffff)
PY
cmp -s "$work/pe4.txt" "$work/pe6.txt" || fail "-PE over IPv6 found $(wc -l < "$work/pe6.txt") hosts up, the truth's twins are $(wc -l < "$work/pe4.txt")"
echo "ok   -sn -PE over IPv6: $(wc -l < "$work/pe6.txt") hosts up by echo-reply, the IPv4 truth's twins"

# 5. Both families in one command and one file.
"$LAB" truth --targets 198.19.0.0/26 "T:22,80" > "$work/tm.txt"
"$LAB" truth --targets 2001:db8:1::/122 "T:22,80" >> "$work/tm.txt"
"$LAB" exec "$BIN" -sS -n -Pn -p 22,80 -e ps-scan0 -oX "$work/mixed.xml" -oJ "$work/mixed.jsonl" \
  198.19.0.0/26 2001:db8:1::/122 > "$work/mixed.out" 2> "$work/mixed.err" \
  || { cat "$work/mixed.err"; fail "the mixed-family scan exited non-zero"; }
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/mixed.xml" || fail "the mixed XML is not valid against nmap.dtd"
v4=$(grep -c 'addrtype="ipv4"' "$work/mixed.xml"); v6=$(grep -c 'addrtype="ipv6"' "$work/mixed.xml")
[[ $v4 == 64 && $v6 == 64 ]] || fail "the mixed XML holds $v4 IPv4 and $v6 IPv6 hosts, not 64 and 64"
python3 "$COMPARE_SWEEP" "$work/tm.txt" "$work/mixed.jsonl" || fail "the mixed scan differs from the truth"
grep -q "^Nmap scan report for 2001:db8:1::1$" "$work/mixed.out" || fail "no normal-output report for 2001:db8:1::1"
echo "ok   IPv4 and IPv6 in one command: one valid XML with 64 + 64 hosts, results as the truth says"

# 6. Resume and shards over the IPv6 axis.
mkdir -p "$work/resume" && cd "$work/resume"
"$LAB" exec "$BIN" -sS -n -Pn -p "$ports" --rate 40000 -e ps-scan0 -oJ part6.jsonl 2001:db8:1::/112 \
  > part.out 2> part.err &
pid=$!
sleep 3
pkill -INT -f -- "-oJ part6.jsonl" || fail "could not find the running IPv6 scan"
rc=0; wait "$pid" || rc=$?
[[ $rc == 130 ]] || { cat part.err; fail "the interrupted IPv6 scan exited $rc, expected 130"; }
[[ -s portsweep.resume ]] || fail "the interrupted IPv6 scan wrote no resume file"
"$LAB" exec "$BIN" --resume portsweep.resume > resumed.out 2> resumed.err || { cat resumed.err; fail "the IPv6 resume failed"; }
python3 "$COMPARE_SWEEP" "$work/truth6.txt" part6.resumed-1.jsonl || fail "the resumed IPv6 scan differs from the truth"
cd "$work"
for i in 1 2; do
  "$LAB" exec "$BIN" -sS -n -Pn -p "$ports" --rate 100000 -e ps-scan0 --seed 11 --shard "$i/2" -oJ "$work/sh$i.jsonl" \
    2001:db8:1::/112 > /dev/null 2> "$work/sh$i.err" || { cat "$work/sh$i.err"; fail "IPv6 shard $i/2 failed"; }
done
"$BIN" merge --from "$work/sh1.jsonl" "$work/sh2.jsonl" -oJ "$work/merged6.jsonl" -oX "$work/merged6.xml" > /dev/null \
  2> "$work/merge.err" || { cat "$work/merge.err"; fail "the merge of the IPv6 shards failed"; }
python3 "$COMPARE_SWEEP" "$work/truth6.txt" "$work/merged6.jsonl" || fail "the merged IPv6 shards differ from the truth"
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/merged6.xml" || fail "the merged IPv6 XML is not valid"
echo "ok   an interrupted IPv6 sweep resumed, and two shards merged, equal the truth"

# 7. -sV over IPv6 (the kernel's sockets, AF_INET6).
"$LAB" exec "$BIN" -sS -sV -n -Pn -p 22,80 -e ps-scan0 -oX "$work/sv6.xml" 2001:db8:1::1 > "$work/sv6.out" 2> "$work/sv6.err" \
  || { cat "$work/sv6.err"; fail "-sV over IPv6 exited non-zero"; }
grep -Eq '^22/tcp +open +ssh +OpenSSH' "$work/sv6.out" || fail "-sV over IPv6 did not name 22's OpenSSH: $(cat "$work/sv6.out")"
grep -Eq '^80/tcp +open +http +nginx' "$work/sv6.out" || fail "-sV over IPv6 did not name 80's nginx: $(cat "$work/sv6.out")"
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$work/sv6.xml" || fail "the -sV IPv6 XML is not valid"
echo "ok   -sV over IPv6 names OpenSSH and nginx on 2001:db8:1::1"

# 8. Refused by name, nothing sent.
refused() {  # EXPECTED-TEXT ARGS...
  local want=$1; shift
  if "$LAB" exec "$BIN" "$@" > "$work/r.out" 2> "$work/r.err"; then fail "$* was accepted"; fi
  grep -q -- "$want" "$work/r.err" || fail "$*: expected '$want', got: $(cat "$work/r.err")"
}
refused "-O is not supported for IPv6" -O -p 22 2001:db8:1::1
refused "--traceroute is not supported for IPv6" --traceroute -p 22 2001:db8:1::1
refused "-PP has no IPv6 form" -PP -p 22 2001:db8:1::1
refused "reaches IPv4 targets only" -sT -p 22 2001:db8:1::1
refused "more than the limit" -sS -p 22 2001:db8:1::/64
echo "ok   -O, --traceroute, -PP, -sT and a /64 are refused for IPv6 targets"
