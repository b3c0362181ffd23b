#!/usr/bin/env bash
# Output a parser cannot tell from nmap's: the same scans by nmap and by
# portsweep, with the same options, in every file format nmap writes.
#   1. a /24 x ports 1-1024 with nmap's default host discovery and --reason,
#      a /27 with -vv (down hosts listed, reasons, nmap's task elements), and
#      a list scan (-sL) with and without reverse DNS;
#   2. -sV of four hosts' service ports.
# For each: ndiff reports no difference but the header line (the scanner's
# version); the normal output is identical once times, latencies and the
# header and footer (the scanner's name) are masked, and so is the grepable
# output without its two comment lines; python3-libnmap and python3-nmap read
# the same hosts, ports, states, reasons and services from both XML files;
# both XML files are valid against nmap.dtd.
# Masked besides: nmap's request to report incorrect -sV results to nmap.org,
# which portsweep does not make on its behalf, and which TCP answer is why a
# host is up (see mask_normal).
# shellcheck source=tests/lab/common.sh
source "$(dirname "$(readlink -f "$0")")/common.sh"
PORTSWEEP=${PORTSWEEP_BIN:-$SRC/build/portsweep}
[[ -x $PORTSWEEP ]] || fail "no portsweep binary at $PORTSWEEP (set PORTSWEEP_BIN)"
DTD=/usr/share/nmap/nmap.dtd
[[ -r $DTD ]] || fail "no $DTD (nmap-common)"
command -v ndiff >/dev/null || fail "no ndiff (scripts/setup installs it)"

"$LAB" up

# Times and latencies, the scanner's name in the comment lines, and the
# one line of nmap's own about nmap.org. And why a host is up when it
# answered both TCP discovery probes: nmap sends its SYN to 443 and its ACK
# to 80 back to back and names the reply that comes first, the SYN-ACK in
# some runs and the reset in others (198.19.0.47 here), where portsweep
# always names the SYN's.
mask_normal() {
    sed -E -e 's/\(([0-9.]+)s latency\)/(LATENCY)/' \
        -e 's/^(Host is up, received) (syn-ack|reset) /\1 TCP-ANSWER /' \
        -e 's/^# (Nmap|Portsweep) .*/# HEADER/' \
        -e 's/^Service detection performed\..*/Service detection performed./' \
        -e 's|^Read data files from: .*|Read data files from: DIR|' \
        -e 's/^Scanned at .* for [0-9]+s$/Scanned at TIME/' "$1"
}

compare() {
    local name=$1 min_ports=$2
    local n="$work/$name-nmap" p="$work/$name-ps"
    echo "== $name: ndiff"
    # ndiff exits 1 on any difference; the header line always differs.
    ndiff "$n.xml" "$p.xml" >"$work/$name.ndiff" || true
    if grep -vE '^[-+]Nmap [0-9.]+ scan initiated |^$' "$work/$name.ndiff" >"$work/$name.ndiff.rest"; then
        head -40 "$work/$name.ndiff.rest"
        fail "$name: ndiff finds differences beyond the scanner's version"
    fi
    echo "ok   ndiff: no difference in hosts, ports, states or services"

    echo "== $name: normal output"
    if ! diff <(mask_normal "$n.nmap") <(mask_normal "$p.nmap") >"$work/$name.ndiff.normal"; then
        head -40 "$work/$name.ndiff.normal"
        fail "$name: normal outputs differ beyond times and the scanner's name"
    fi
    echo "ok   normal: identical but for times and the header and footer ($(grep -c '^Nmap scan report' "$p.nmap") hosts)"

    echo "== $name: grepable output"
    if ! diff <(grep -v '^#' "$n.gnmap") <(grep -v '^#' "$p.gnmap") >"$work/$name.ndiff.gnmap"; then
        head -20 "$work/$name.ndiff.gnmap"
        fail "$name: grepable outputs differ beyond the comment lines"
    fi
    echo "ok   grepable: identical but for the comment lines"

    echo "== $name: XML read by python3-libnmap and python3-nmap, and against nmap.dtd"
    /usr/bin/python3 "$SRC/tests/lab/compare_parsers.py" "$n.xml" "$p.xml" --min-ports "$min_ports" ||
        fail "$name: the parser libraries read the two XML files differently"
    xmllint --noout --dtdvalid "$DTD" "$p.xml" || fail "$name: portsweep's XML is not valid against nmap.dtd"
    echo "ok   portsweep's XML is valid against nmap.dtd"
}

# 1. The /24: discovery, then every port of 1-1024 of the hosts found up.
targets=198.19.0.0/24
common=(-n -T4 -sS -p 1-1024 --reason "$targets")
"$LAB" exec nmap "${common[@]}" -oA "$work/sweep-nmap" >/dev/null
"$LAB" exec "$PORTSWEEP" "${common[@]}" -e ps-scan0 -oA "$work/sweep-ps" >/dev/null 2>"$work/sweep.err" ||
    { cat "$work/sweep.err"; fail "portsweep's /24 scan failed"; }
compare sweep 100

# 1b. -vv: the down hosts listed first, then the hosts up with their reasons
# and "Scanned at" lines (times masked), a "Read data files from" line (its
# folder masked); the XML gains nmap's task elements.
verbose=(-vv -n -T4 -sS -p 20-25,80,443 198.19.0.0/27)
"$LAB" exec nmap "${verbose[@]}" -oA "$work/verbose-nmap" >/dev/null
"$LAB" exec "$PORTSWEEP" "${verbose[@]}" -e ps-scan0 -oA "$work/verbose-ps" >"$work/verbose.out" 2>"$work/verbose.err" ||
    { cat "$work/verbose.err"; fail "portsweep -vv failed"; }
grep -q '<taskend task="SYN Stealth Scan" time="[0-9]*" extrainfo="[0-9]* total ports"/>' "$work/verbose-ps.xml" ||
    fail "-vv: no SYN Stealth Scan <taskend> in the XML"
grep -q '^Discovered open port 22/tcp on 198.19.0.1$' "$work/verbose.out" ||
    fail "-vv: no \"Discovered open port\" line on the terminal"
compare verbose 20

# 1c. -sL, without and with reverse DNS (the lab's DNS names some of them):
# every target listed in every format, "unknown" in XML and grepable.
for dns in -n -R; do
    list=(-sL "$dns" 198.19.0.1-12)
    name=list${dns#-}
    "$LAB" exec nmap "${list[@]}" -oA "$work/$name-nmap" >/dev/null
    "$LAB" exec "$PORTSWEEP" "${list[@]}" -oA "$work/$name-ps" -oJ "$work/$name.jsonl" >/dev/null 2>"$work/$name.err" ||
        { cat "$work/$name.err"; fail "portsweep -sL $dns failed"; }
    python3 "$SRC/scripts/validate-jsonl" --complete "$work/$name.jsonl" || fail "-sL $dns: -oJ off its schema"
    [[ $(grep -c '"status":"unknown"' "$work/$name.jsonl") -eq 12 ]] || fail "-sL $dns: -oJ does not list 12 targets"
    compare "$name" 0
done
grep -q 'Nmap scan report for alpha.lab.test (198.19.0.10)' "$work/listR-ps.nmap" || fail "-sL -R: 198.19.0.10 unnamed"

# 2. -sV of the pinned service hosts (all open; firewalled; mixed).
sv=(-n -T4 -sV -p 21,22,53,80,443,6379,8080 --reason 198.19.0.1-4)
"$LAB" exec nmap "${sv[@]}" -oA "$work/sv-nmap" >/dev/null
"$LAB" exec "$PORTSWEEP" "${sv[@]}" -e ps-scan0 -oA "$work/sv-ps" >/dev/null 2>"$work/sv.err" ||
    { cat "$work/sv.err"; fail "portsweep -sV failed"; }
grep -c '<service ' "$work/sv-ps.xml" | awk '{ if ($1 < 10) exit 1 }' ||
    fail "-sV: portsweep's XML names fewer than 10 services"
compare sv 20

"$LAB" down
assert_clean
echo "PASS: nmap's parsers, ndiff and a diff of the text outputs cannot tell portsweep's files from nmap's"
