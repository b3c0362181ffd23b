#!/usr/bin/env bash
# nmap's evasion options on the wire and in the results. Every frame the
# scanner sends is captured where it arrives (ps-tgt0, in the target) and
# read back with tshark:
#  * --badsum: every probe's TCP checksum is wrong, the target drops them
#    all, so nothing answers (every port filtered); the same sweep without it
#    finds the truth.
#  * -f (8-byte fragments): the target reassembles, the sweep equals the
#    truth; on the wire every probe is three fragments (offsets 0, 8, 16
#    bytes, MF on the first two, one IP ID).
#  * --ip-options R: IHL 15 and a record-route option on every probe; the
#    replies (which echo it) still decode: every open port is found, and no
#    result disagrees with the truth.
#  * one probe with -D (decoys before and after ME), --ttl, --spoof-mac,
#    --data, -ff: the frames come in -D's order from each source, with the
#    TTL, the spoofed MAC (and nmap's "Spoofing MAC address" line), the
#    payload after the TCP header; the decoys' answers are not results.
#  * -sU --data-string: the per-port payloads are replaced by the string.
source "$(dirname "$(readlink -f "$0")")/common.sh"
# KEEP=DIR: the captures and outputs are copied there at the end, for a look.
keep() { [[ -z ${KEEP:-} ]] || cp -r "$work/." "$KEEP/"; }
trap 'keep; cleanup' EXIT
BIN=${PORTSWEEP_BIN:-$SRC/build/portsweep}
ports=21,22,53,80,443,6379,8080
targets=198.19.0.0/24

"$LAB" up
"$LAB" truth "T:$ports" --targets "$targets" > "$work/truth.txt"
[[ -s $work/truth.txt ]] || fail "no truth"

capture_pid=
start_capture() {  # NAME
  ip netns exec ps-target tcpdump -n -i ps-tgt0 -Q in -U -w "$work/$1.pcap" 2> /dev/null &
  capture_pid=$!
  sleep 1
}
stop_capture() {
  sleep 0.5
  kill "$capture_pid" 2> /dev/null || true
  wait "$capture_pid" 2> /dev/null || true
}

scan() {  # NAME PORTSWEEP-ARGS...: one sweep under capture
  local name=$1
  shift
  start_capture "$name"
  "$LAB" exec "$BIN" -n -Pn --max-retries 0 --wait 1 -e ps-scan0 "$@" -oJ "$work/$name.jsonl" \
    > "$work/$name.out" 2> "$work/$name.err" || { stop_capture; tail -n 5 "$work/$name.err"; fail "$name: portsweep failed"; }
  stop_capture
}

# tshark's fields of every IPv4 frame the scanner sent (ARP and the like left out).
fields() {  # NAME FIELD...
  local name=$1
  shift
  local args=()
  for f in "$@"; do args+=(-e "$f"); done
  tshark -r "$work/$name.pcap" -o ip.defragment:FALSE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE \
    -Y "ip.src != 198.18.0.2" -T fields -E separator=' ' "${args[@]}" 2> /dev/null
}

# --- --badsum: nothing answers; without it, the truth -----------------------
scan badsum -sS -p "$ports" --badsum "$targets"
results=$(grep -c '"port"' "$work/badsum.jsonl" || true)
[[ $results == 0 ]] || fail "--badsum: $results ports answered; the target must drop every probe"
count() {  # NAME FILTER: frames the scanner sent that match
  tshark -r "$work/$1.pcap" -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE \
    -Y "ip.src == 198.18.0.1 && ($2)" -T fields -e frame.number 2> /dev/null | wc -l
}
bad=$(count badsum "tcp.checksum.status == 0")
all=$(count badsum "tcp")
[[ $all -gt 0 && $bad == "$all" ]] || fail "--badsum: $bad of $all probes carry a bad TCP checksum"
grep -q "0 results" "$work/badsum.err" || fail "--badsum: summary: $(tail -n 1 "$work/badsum.err")"
echo "ok   --badsum: $all probes, every checksum bad, no answer (every port filtered)"

scan plain -sS -p "$ports" "$targets"
python3 "$SRC/tests/lab/sweep_compare.py" "$work/truth.txt" "$work/plain.jsonl" || fail "the plain sweep differs from the truth"
echo "ok   the same sweep without --badsum finds the truth"

# --- -f: 8-byte fragments, the target reassembles ---------------------------
scan frag -sS -p "$ports" -f "$targets"
python3 "$SRC/tests/lab/sweep_compare.py" "$work/truth.txt" "$work/frag.jsonl" || fail "-f: the sweep differs from the truth"
fields frag ip.id ip.frag_offset ip.flags.mf ip.len > "$work/frag.txt"
sent=$(sed -n 's/^portsweep: sent \([0-9]*\) probes.*/\1/p' "$work/frag.err")
python3 - "$work/frag.txt" "$sent" <<'EOF' || fail "-f: the fragments are wrong"
import sys, collections
by_id = collections.defaultdict(list)
for line in open(sys.argv[1]):
    ip_id, off, mf, length = line.split()
    if off == "0" and mf == "0":
        continue  # a whole datagram (a RST after a SYN-ACK), whatever its IP ID
    by_id[ip_id].append((int(off), int(mf), int(length)))
# A SYN (24-byte TCP header) is three 8-byte fragments; the RSTs after
# SYN-ACKs are sent whole (the engine's answers, not probes).
frags = {k: sorted(v) for k, v in by_id.items() if len(v) > 1}
assert frags, "no fragmented datagram"
for k, v in frags.items():
    offsets = [o for o, _, _ in v]
    # tshark's ip.frag_offset counts 8-byte units.
    assert len(v) % 3 == 0 and offsets[::len(v) // 3] == [0, 1, 2], (k, v)
    assert all(mf == (1 if o < 2 else 0) and length == 28 for o, mf, length in v), (k, v)
total = sum(len(v) for v in frags.values())
assert total == 3 * int(sys.argv[2]), (total, sys.argv[2])
print(f"ok   -f: {sys.argv[2]} probes, {total} fragments: each three of 8 bytes (offsets 0, 8, 16; MF on the first two)")
EOF
echo "ok   -f: the sweep equals the truth"

# --- --ip-options R: IHL 15 on every probe, replies still decode --------------
# The target's kernel answers a SYN with options (its SYN-ACKs and resets
# echo them); its nftables rejects (the population's resets and ICMP errors)
# stay silent for such packets, as nmap 7.93 sees too (--ip-options R: those
# ports come out filtered). So every result must agree with the truth, and
# every open port must be found.
scan ipopt -sS -p "$ports" --ip-options R "$targets"
python3 "$SRC/tests/lab/sweep_compare.py" --subset "$work/truth.txt" "$work/ipopt.jsonl" > /dev/null \
  || fail "--ip-options R: a result disagrees with the truth"
python3 - "$work/truth.txt" "$work/ipopt.jsonl" <<'PY' || fail "--ip-options R: open ports missing"
import json, sys
open_ports = {(a, int(p)) for a, proto, p, state, reason in (l.split() for l in open(sys.argv[1])) if reason == "syn-ack"}
found = {(r["ip"], r["port"]) for r in map(json.loads, open(sys.argv[2])) if r.get("state") == "open"}
missing = open_ports - found
assert not missing, sorted(missing)[:10]
print(f"ok   --ip-options R: all {len(open_ports)} open ports found")
PY
odd=$(fields ipopt ip.hdr_len ip.opt.type tcp.flags.syn | awk '$3 == "1" && ($1 != 60 || $2 != "7,0")' | wc -l)
syns=$(fields ipopt tcp.flags.syn | grep -c '^1$' || true)
[[ $syns -gt 0 && $odd == 0 ]] || fail "--ip-options R: $odd of $syns SYNs without a 60-byte header holding record route"
echo "ok   --ip-options R: $syns SYNs with IHL 15 and record route; every result agrees with the truth"

# --- decoys, TTL, spoofed MAC, payload, 16-byte fragments: one probe ----------
# 198.18.0.77 is made an address of the scanner's link (its namespace
# answers ARP for it), so the target's SYN-ACK to that decoy comes back to
# the scanner's interface: it must not become a result.
ip netns exec ps-scan ip addr add 198.18.0.77/32 dev ps-scan0
ip netns exec ps-target tcpdump -n -i ps-tgt0 -Q out -U -w "$work/decoys-out.pcap" 2> /dev/null &
out_pid=$!
scan decoys -sS -p 22 -D 198.18.0.77,ME,198.18.0.78 --ttl 33 --spoof-mac 02:50:53:aa:bb:cc \
  --data 0xdeadbeef -ff 198.19.0.1
kill "$out_pid" 2> /dev/null || true
wait "$out_pid" 2> /dev/null || true
ip netns exec ps-scan ip addr del 198.18.0.77/32 dev ps-scan0
to_decoy=$(tshark -r "$work/decoys-out.pcap" -Y "ip.dst == 198.18.0.77 && tcp.flags.syn == 1 && tcp.flags.ack == 1" \
  -T fields -e frame.number 2> /dev/null | wc -l)
[[ $to_decoy -ge 1 ]] || fail "-D: the target sent no SYN-ACK to the decoy 198.18.0.77"
echo "ok   -D: the target answered the decoy 198.18.0.77 too ($to_decoy SYN-ACKs to it)"
grep -q "sent 1 probes .*the probes went out as 6 frames" <(tr '\n' ' ' < "$work/decoys.err") \
  || fail "-D -ff: one probe is not 6 frames: $(grep -E 'sent|frames' "$work/decoys.err")"
grep -q "^Spoofing MAC address 02:50:53:AA:BB:CC (No registered vendor)$" "$work/decoys.out" \
  || fail "--spoof-mac: no Spoofing line: $(head -n 3 "$work/decoys.out")"
fields decoys eth.src ip.src ip.ttl ip.frag_offset ip.flags.mf ip.len > "$work/decoys.txt"
cat "$work/decoys.txt"
python3 - "$work/decoys.txt" <<'EOF' || fail "-D/--ttl/--spoof-mac/-ff: wrong frames"
import sys
rows = [l.split() for l in open(sys.argv[1])]
# The RST the engine sends after the SYN-ACK has the TTL too, and it may go
# out between the decoys' fragments (the target answers within microseconds):
# keep only fragments (offset or MF set); the RST is one whole datagram.
probes = [r for r in rows if r[2] == "33" and (r[3] != "0" or r[4] != "0")]
# 20 TCP header... a SYN is 24 bytes + 4 of --data = 28: two 16-byte fragments (16 + 12).
# (ip.frag_offset in 8-byte units)
want = [("198.18.0.77", 0, 1, 36), ("198.18.0.77", 2, 0, 32), ("198.18.0.1", 0, 1, 36),
        ("198.18.0.1", 2, 0, 32), ("198.18.0.78", 0, 1, 36), ("198.18.0.78", 2, 0, 32)]
got = [(r[1], int(r[3]), int(r[4]), int(r[5])) for r in probes[:6]]
assert got == want, got
assert all(r[0] == "02:50:53:aa:bb:cc" for r in probes[:6]), probes
print("ok   -D: the probe from 198.18.0.77, us, 198.18.0.78 in that order; TTL 33; MAC 02:50:53:aa:bb:cc; "
      "16-byte fragments")
EOF
# The payload: reassembled, our SYN ends with de ad be ef.
payload=$(tshark -r "$work/decoys.pcap" -Y "ip.src == 198.18.0.1 && tcp.flags.syn == 1" -T fields -e tcp.payload 2> /dev/null | head -n 1)
[[ $payload == deadbeef ]] || fail "--data: the SYN's payload is \"$payload\", expected deadbeef"
echo "ok   --data 0xdeadbeef: reassembled, the SYN carries deadbeef after its header"
python3 - "$work/decoys.jsonl" <<'EOF' || fail "-D: the decoys' answers became results"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if '"port"' in l]
assert [(r["ip"], r["port"], r["state"]) for r in rows] == [("198.19.0.1", 22, "open")], rows
print("ok   -D: one result (198.19.0.1 22 open), none from the decoys' answers")
EOF

# --- -sU --data-string: per-port payloads replaced -----------------------------
scan udpdata -sU -p 53,161 --data-string portsweep 198.19.0.1
payloads=$(tshark -r "$work/udpdata.pcap" -Y "udp && ip.src == 198.18.0.1" -T fields -e udp.payload 2> /dev/null | sort -u)
[[ $payloads == "$(printf portsweep | xxd -p)" ]] || fail "-sU --data-string: payloads are: $payloads"
echo "ok   -sU --data-string: both ports' datagrams carry exactly \"portsweep\" (no DNS/SNMP payloads)"
