#!/usr/bin/env bash
# Host names against the lab's DNS zone (lab/population.py, `truth --dns`)
# and nmap 7.93: ps-scan's resolver is the lab's dnsmasq (scripts/lab writes
# /etc/netns/ps-scan/resolv.conf), which forwards nothing, so no query leaves
# the machine. On the same /28, portsweep's names equal the truth's and
# nmap's: by default (hosts up), -R (every target, -v lists the down ones),
# --dns-servers, --system-dns; -n gives none. Targets given by name: the
# name heads the report, "Other addresses ... (not scanned)", "rDNS record
# for", XML's user and PTR hostnames (valid against nmap.dtd), a name that
# fails to resolve is reported as nmap does and the rest scanned. `down`
# removes the resolv.conf.
source "$(dirname "$(readlink -f "$0")")/common.sh"
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
NET=198.19.0.0/28
DTD=/usr/share/nmap/nmap.dtd

"$LAB" up
grep -qx 'nameserver 198.18.0.2' /etc/netns/ps-scan/resolv.conf || fail "ps-scan's resolv.conf does not name the lab's DNS"
echo "ok   ps-scan resolves through the lab's dnsmasq"

# "ADDR NAME" (NAME empty when none) of grepable output's status lines:
# the hosts up, or with "all" every host listed (-v lists the down ones).
names_of() {
  local status=Up
  [[ ${2:-} == all ]] && status='[A-Za-z]*'
  sed -n "s/^Host: \([0-9.]*\) (\(.*\))\tStatus: $status\$/\1 \2/p" "$1" | sort
}
# The truth: "ADDR NAME" for the live addresses of $NET, or with "all" for every one.
truth_names() {  # live|all
  local addrs ptrs a
  if [[ $1 == live ]]; then
    addrs=$("$LAB" truth --live --targets "$NET")
  else
    addrs=$(python3 -c 'import ipaddress, sys; print(*ipaddress.ip_network(sys.argv[1]), sep="\n")' "$NET")
  fi
  ptrs=$("$LAB" truth --dns --targets "$NET" | awk '$1 == "ptr" { print $2, $3 }')
  for a in $addrs; do
    echo "$a $(awk -v a="$a" '$1 == a { print $2 }' <<< "$ptrs")"
  done | sort
}

run_ps() {  # NAME ARGS...
  local name=$1
  shift
  "$LAB" exec "$BIN" -sn "$@" -oG "$work/$name.gnmap" -oX "$work/$name.xml" > "$work/$name.out" 2> "$work/$name.err" ||
    { tail -n 5 "$work/$name.err"; fail "$name: portsweep failed"; }
  xmllint --noout --dtdvalid "$DTD" "$work/$name.xml" || fail "$name: XML is not valid against nmap.dtd"
}
run_nmap() {  # NAME ARGS...
  local name=$1
  shift
  "$LAB" exec nmap -sn "$@" -oG "$work/$name.gnmap" > "$work/$name.out" 2> "$work/$name.err" || fail "$name: nmap failed"
}

truth_names live > "$work/truth.live"
truth_names all > "$work/truth.all"
[[ $(awk 'NF == 2' "$work/truth.live" | wc -l) -ge 3 ]] || fail "the truth names fewer than 3 live hosts of $NET"

t0=$EPOCHREALTIME
run_ps default "$NET"
t1=$EPOCHREALTIME
run_nmap nmap-default "$NET"
run_ps R -R -v "$NET"
run_nmap nmap-R -R -v "$NET"
run_ps n -n "$NET"
run_ps servers -v --dns-servers 198.18.0.2 "$NET"
run_ps system --system-dns "$NET"

check_same() {  # WHAT EXPECTED ACTUAL
  diff <(cat "$2") <(cat "$3") > "$work/diff" || { cat "$work/diff"; fail "$1"; }
  echo "ok   $1 ($(awk 'NF == 2' "$2" | wc -l) named)"
}
check_same "default: portsweep's names are the truth's" "$work/truth.live" <(names_of "$work/default.gnmap")
check_same "default: nmap -sn's names are the truth's" "$work/truth.live" <(names_of "$work/nmap-default.gnmap")
check_same "-R -v: portsweep names every target as the truth does" "$work/truth.all" <(names_of "$work/R.gnmap" all)
check_same "-R -v: nmap -sn -R names every target as the truth does" "$work/truth.all" <(names_of "$work/nmap-R.gnmap" all)
check_same "--dns-servers 198.18.0.2: the truth's names" "$work/truth.live" <(names_of "$work/servers.gnmap")
live=$(wc -l < "$work/truth.live")
grep -qx "portsweep: reverse DNS: $live lookups, $(awk 'NF == 2' "$work/truth.live" | wc -l) named, 0 given up; waited [0-9.]* s after the scan" \
  "$work/servers.err" || fail "-v: the reverse DNS line: $(grep 'reverse DNS' "$work/servers.err")"
check_same "--system-dns: the truth's names" "$work/truth.live" <(names_of "$work/system.gnmap")
awk '{ print $1, "" }' "$work/truth.live" > "$work/truth.none"
check_same "-n: no names" "$work/truth.none" <(names_of "$work/n.gnmap" | awk '{ print $1, "" }')
! grep -q 'type="PTR"' "$work/n.xml" || fail "-n: XML has a PTR name"
grep -q '<hostname name="alpha.lab.test" type="PTR"/>' "$work/default.xml" || fail "default: XML lacks alpha.lab.test's PTR"
# The normal report heads each named host as nmap does.
diff <(grep '^Nmap scan report' "$work/nmap-default.out") <(grep '^Nmap scan report' "$work/default.out") ||
  fail "default: the report headings differ from nmap's"
echo "ok   default: 'Nmap scan report for NAME (ADDR)' headings equal nmap's"

# Targets given by name, one that fails.
names=(web.lab.test multi.lab.test nosuch.lab.test)
run_ps byname "${names[@]}"
run_nmap nmap-byname "${names[@]}"
grep -qx 'Failed to resolve "nosuch.lab.test".' "$work/byname.err" || fail "by name: no 'Failed to resolve' line"
grep -qx 'Failed to resolve "nosuch.lab.test".' "$work/nmap-byname.out" "$work/nmap-byname.err" ||
  fail "by name: nmap's 'Failed to resolve' wording changed"
for f in byname nmap-byname; do
  out="$work/$f.out"
  grep -qx 'Nmap scan report for web.lab.test (198.19.0.12)' "$out" || fail "$f: web.lab.test's heading"
  grep -qx 'rDNS record for 198.19.0.12: beta.lab.test' "$out" || fail "$f: no rDNS record line"
  scanned=$(sed -n 's/^Nmap scan report for multi.lab.test (\(.*\))$/\1/p' "$out")
  other=$(sed -n 's/^Other addresses for multi.lab.test (not scanned): //p' "$out")
  [[ "$(printf '%s\n' "$scanned" "$other" | sort | tr '\n' ' ')" == "198.19.0.13 198.19.0.14 " ]] ||
    fail "$f: multi.lab.test scanned '$scanned', others '$other'"
done
grep -q 'Host: 198.19.0.12 (beta.lab.test)' "$work/byname.gnmap" || fail "by name: grepable shows the PTR"
if ! grep -q '<hostname name="web.lab.test" type="user"/>' "$work/byname.xml" ||
  ! grep -q '<hostname name="beta.lab.test" type="PTR"/>' "$work/byname.xml"; then
  fail "by name: XML's user and PTR hostnames"
fi
echo "ok   by name: headings, Other addresses, rDNS record, Failed to resolve, XML user+PTR as nmap"

# What the lookups add to a sweep: the same ports of a /22 with and without.
sweep() { "$LAB" exec "$BIN" -sS "$@" -p 22,80 198.19.0.0/22 -oG - 2> /dev/null | grep -c 'Status: Up' || true; }
s0=$EPOCHREALTIME; up_n=$(sweep -n); s1=$EPOCHREALTIME; up_d=$(sweep); s2=$EPOCHREALTIME
[[ $up_n == "$up_d" ]] || fail "the sweep found $up_n hosts up with -n, $up_d without"
awk -v a="$s0" -v b="$s1" -v c="$s2" -v h="$up_d" -v p="$t0" -v q="$t1" 'BEGIN {
  printf "ok   /22 sweep of 22,80 (%d hosts up): %.2f s with -n, %.2f s with reverse DNS; -sn of the /28: %.2f s\n",
         h, b - a, c - b, q - p }'

"$LAB" down
[[ ! -e /etc/netns/ps-scan/resolv.conf ]] || fail "down left /etc/netns/ps-scan/resolv.conf"
echo "ok   down removed ps-scan's resolv.conf"
