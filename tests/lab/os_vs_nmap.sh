#!/usr/bin/env bash
# OS detection against Debian's nmap on the lab's stack personalities
# (lab/personalities.py): every LAN host (each its own namespace with its own
# TTL, timestamps, window scaling, SACK, ECN, buffers, MSS) and four pinned
# class-B hosts (the target's kernel, untouched).  On the same hosts and
# ports, `portsweep -O --osscan-guess` must report what `nmap -O
# --osscan-guess` does (tests/lab/compare_os.py): the ports used, every
# deterministic test of the TCP/IP fingerprint (all but SEQ's SP, GCD, ISR
# and TS, which move from run to run), the top guesses and their OS classes,
# the distance and the IP ID class; its XML must be valid against nmap.dtd,
# and its -oJ must hold a passive OS hint for every host that agrees with
# the host's personality (initial TTL, MSS, options; a TTL-128 host is never
# hinted Linux).
#
# -vv makes both print the fingerprint even on a perfect match (nmap writes
# <osfingerprint> whenever the normal output shows the block; -d does too).
# -sU of one closed UDP port gives -O its U1 port (without a UDP scan nmap
# draws one at random, and calls the fingerprint unfit for submission
# unless U1 is answered).
#
#   os_vs_nmap.sh               nmap vs portsweep ($PORTSWEEP_BIN)
#   os_vs_nmap.sh --nmap-twice  nmap vs a second nmap run: the comparison's
#                               own check (what varies between two runs)
# shellcheck source=tests/lab/common.sh
source "$(dirname "$(readlink -f "$0")")/common.sh"
COMPARE="$SRC/tests/lab/compare_os.py"
PORTSWEEP=${PORTSWEEP_BIN:-$SRC/build/portsweep}
DTD=/usr/share/nmap/nmap.dtd
[[ -r $DTD ]] || fail "no $DTD (nmap-common)"

second=portsweep
case ${1:-} in
--nmap-twice) second=nmap ;;
"") [[ -x $PORTSWEEP ]] || fail "no portsweep binary at $PORTSWEEP (set PORTSWEEP_BIN)" ;;
*) fail "unknown argument '$1' (expected --nmap-twice or nothing)" ;;
esac

"$LAB" up

# One open and one closed TCP port on every host (nmap takes the first of
# each in port order: 22/443, 22/80, 80/22, 443/22 on the LAN, 22/8080 on
# the class-B), and a closed UDP port nothing in the lab listens on.
ports=T:22,80,443,8080,U:9
classb=198.19.0.1,198.19.0.2,198.19.1.1,198.19.255.254 # pinned: no overrides
"$LAB" truth --os --targets 198.18.1.0/24 >"$work/lan.truth"
"$LAB" truth --os --targets "$classb" "$ports" >"$work/classb.truth"
[[ $(wc -l <"$work/classb.truth") -eq 4 ]] || fail "the pinned class-B hosts are no longer plain for -O on $ports"
cat "$work/lan.truth" "$work/classb.truth" >"$work/all.truth"

echo "== the LAN hosts' namespaces hold the personalities the truth gives"
python3 - "$work/lan.truth" <<'PY' || fail "a LAN host's namespace differs from its personality"
import re, subprocess, sys
keys = {"ttl": "net.ipv4.ip_default_ttl", "timestamps": "net.ipv4.tcp_timestamps",
        "window_scaling": "net.ipv4.tcp_window_scaling", "sack": "net.ipv4.tcp_sack",
        "ecn": "net.ipv4.tcp_ecn", "rmem": "net.ipv4.tcp_rmem"}
bad = 0
for line in open(sys.argv[1]):
    addr, name, *kv = line.split()
    want = dict(x.split("=", 1) for x in kv)
    ns = f"ps-lan-h{addr.rsplit('.', 1)[1]}"
    got = {}
    for short, key in keys.items():
        out = subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-n", key],
                             capture_output=True, text=True, check=True).stdout
        got[short] = ",".join(out.split())
    route = subprocess.run(["ip", "-n", ns, "route", "show", "198.18.1.0/24"],
                           capture_output=True, text=True, check=True).stdout
    m = re.search(r"advmss (\d+)", route)
    got["advmss"] = m.group(1) if m else "1460"
    diff = {k: (want.get(k), got[k]) for k in got if want.get(k) != got[k]}
    print(("ok   " if not diff else "FAIL ") + f"{addr} {name}" + (f": want/got {diff}" if diff else ""))
    bad += bool(diff)
sys.exit(1 if bad else 0)
PY

# scan NAME SCANNER IFACE TRUTH: -O of the truth's hosts, XML (and -oJ for
# portsweep) in $work/NAME.*.
scan() {
    local name=$1 who=$2 iface=$3 truth=$4 t0=$EPOCHREALTIME
    local -a args=(-n -Pn -O --osscan-guess -vv -sS -sU -p "$ports" -e "$iface"
        -oX "$work/$name.xml" -oN "$work/$name.nmap")
    mapfile -t hosts < <(awk '{ print $1 }' "$truth")
    if [[ $who == nmap ]]; then
        "$LAB" exec nmap "${args[@]}" "${hosts[@]}" >/dev/null 2>"$work/$name.err" ||
            { cat "$work/$name.err"; fail "nmap -O ($name) failed"; }
    else
        local rc=0
        "$LAB" exec "$PORTSWEEP" "${args[@]}" -oJ "$work/$name.jsonl" "${hosts[@]}" \
            >/dev/null 2>"$work/$name.err" || rc=$?
        if ((rc != 0)); then
            cat "$work/$name.err"
            grep -q -- '-O is not supported' "$work/$name.err" &&
                fail "this portsweep has no -O yet (it refuses the option); run with --nmap-twice to check the comparison itself"
            fail "portsweep -O ($name) failed (exit status $rc)"
        fi
    fi
    echo "== $who -O of ${#hosts[@]} hosts via $iface: $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
}

scan lan-nmap nmap ps-scan1 "$work/lan.truth"
scan classb-nmap nmap ps-scan0 "$work/classb.truth"
scan lan-2 "$second" ps-scan1 "$work/lan.truth"
scan classb-2 "$second" ps-scan0 "$work/classb.truth"

echo "== XML valid against nmap.dtd"
for f in lan-nmap classb-nmap lan-2 classb-2; do
    xmllint --noout --dtdvalid "$DTD" "$work/$f.xml" || fail "$f.xml is not valid against nmap.dtd"
done
echo "ok   nmap's and $second's XML"

hints=()
if [[ $second == portsweep ]]; then
    python3 "$SRC/scripts/validate-jsonl" --complete "$work/lan-2.jsonl" "$work/classb-2.jsonl" ||
        fail "-oJ of -O: records that do not follow data/portsweep-jsonl.schema.json"
    echo "ok   -oJ follows the schema"
    hints=(--hints "$work/lan-2.jsonl,$work/classb-2.jsonl")
fi

echo "== nmap vs $second, host by host"
python3 "$COMPARE" "$work/all.truth" "$work/lan-nmap.xml,$work/classb-nmap.xml" \
    "$work/lan-2.xml,$work/classb-2.xml" --test-name "$second" "${hints[@]}" ||
    fail "$second's OS detection differs from nmap's"

mapfile -t pids < <(lab_pids)
"$LAB" down
assert_clean "${pids[@]}"
