#!/usr/bin/env bash
# The lab's real services answer from the scanner namespace, `up` is
# idempotent, `exec` keeps exit codes, and `down` leaves nothing behind.
# shellcheck source=tests/lab/common.sh
source "$(dirname "$(readlink -f "$0")")/common.sh"

"$LAB" up
mapfile -t first < <(lab_pids)
"$LAB" up # again: must tear the first lab down and build a fresh one
for pid in "${first[@]}"; do
    ! alive "$pid" || fail "second up left old process $pid running"
done
echo "ok   second up replaced the first one"
"$LAB" status

# Pinned hosts where the population leaves every service open and 8080
# closed, plus one the hash picked (the first such host in 198.19.123.0/24),
# and the IPv6 twins of two of them (2001:db8:1::101 is 198.19.1.1).
hashed=$("$LAB" truth --live-only --targets 198.19.123.0/24 T:21,22,53,80,443,2525,6379,8080,9999,U:53 |
    awk '$4 != ($3 == 8080 ? "closed" : "open") { bad[$1] = 1 } { order[NR] = $1 }
         END { for (i = 1; i <= NR; i++) if (!bad[order[i]]) { print order[i]; exit } }')
[[ -n $hashed ]] || fail "no all-open host in 198.19.123.0/24"
"$LAB" exec python3 "$SRC/tests/lab/check_services.py" \
    198.19.0.1 198.19.1.1 198.19.255.254 "$hashed" 2001:db8:1::101 \
    "$("$LAB" truth --live --family 6 --targets "$hashed")"

for addr in 198.19.0.1 "$hashed"; do
    tls=$("$LAB" exec openssl s_client -connect "$addr:443" -servername lab.test </dev/null 2>&1) ||
        fail "TLS handshake with $addr:443: $tls"
    grep -q 'subject=CN *= *lab.test' <<<"$tls" || fail "TLS certificate of $addr: $tls"
    grep -Eq '^(New|Reused), TLSv1\.[23]' <<<"$tls" || fail "TLS session with $addr: $tls"
    echo "ok   $addr tls/443: $(grep -E '^(New|Reused), ' <<<"$tls")"
done

set +e
"$LAB" exec sh -c 'exit 7'
rc=$?
set -e
[[ $rc -eq 7 ]] || fail "lab exec returned $rc, want 7"
echo "ok   lab exec preserves the exit status"

mapfile -t pids < <(lab_pids)
"$LAB" down
"$LAB" down # twice is fine
assert_clean "${pids[@]}"
