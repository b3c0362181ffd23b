// Every probe module's classifier (Prober::classify, through the registry)
// against arbitrary replies. A random frame almost never carries a valid
// cookie, so the first input byte may make the reply answer a real probe:
// the target writes the probe the reply's addresses call for and copies the
// fields a genuine answer would echo into the decoded reply.
//
// Input: byte 0 the echo mask, the rest a frame (Ethernet, else bare IPv4),
// decoded without checksum verification: the classifiers never see a frame
// whose checksums are wrong, and fuzz_packet_decoder fuzzes verification.
//   bit 0  dst address <- the probe's source      bit 3  seq <- the probe's ack
//   bit 1  dst port    <- the probe's source port  bit 4  ICMP id/seq <- the probe's
//   bit 2  ack <- the probe's seq + bits 6-7       bit 5  the ICMP quote <- the probe
// Checks: a Result names the module's protocol, a valid state and reason; an
// answer (the RST after a SYN-ACK) fits the module's frame size, decodes,
// and goes back to the reply's source.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "fuzz_probers.hpp"
#include "fuzz_support.hpp"
#include "packet/packet_decoder.hpp"

namespace {

using namespace portsweep;
using portsweep::fuzz::check;

const std::vector<fuzz::FuzzProber>& probers() {
  static const std::vector<fuzz::FuzzProber> p = fuzz::make_fuzz_probers();
  return p;
}

constexpr DecodeOptions kUnverified{.wire_len = 0, .verify_checksums = false};

bool decode_any(const uint8_t* data, size_t size, DecodedPacket& d) {
  return decode_ethernet(data, size, d, kUnverified) == DecodeStatus::Ok ||
         decode_ipv4(data, size, d, kUnverified) == DecodeStatus::Ok;
}

// The quote an ICMP error about `frame` (a probe, Ethernet) would carry: run
// the real decoder over such an error rather than guess its rules here.
bool quote_of(const std::vector<uint8_t>& frame, QuotedDatagram& q) {
  if (frame.size() < 14 + 20) return false;
  const size_t ihl = size_t{frame[14] & 0x0fu} * 4;
  const size_t quoted = std::min(frame.size() - 14, ihl + 8);
  std::vector<uint8_t> err(20 + 8 + quoted, 0);
  err[0] = 0x45;
  err[2] = static_cast<uint8_t>(err.size() >> 8);
  err[3] = static_cast<uint8_t>(err.size());
  err[8] = 64;
  err[9] = 1;   // ICMP
  err[20] = 3;  // destination unreachable
  std::memcpy(err.data() + 28, frame.data() + 14, quoted);
  DecodedPacket d;
  if (decode_ipv4(err.data(), err.size(), d, kUnverified) != DecodeStatus::Ok || !d.has_quote) return false;
  q = d.quote;
  return true;
}

void echo_probe(const fuzz::FuzzProber& fp, uint8_t mask, DecodedPacket& d) {
  const bool icmp_error = d.has_quote;
  const uint32_t target = icmp_error ? d.quote.dst_ip : d.src_ip;
  uint16_t port = icmp_error ? d.quote.dst_port : d.src_port;
  if (!fp.module->port_based || fp.module->proto == Proto::Ip) port = icmp_error ? d.quote.proto : d.ip_proto;
  std::vector<uint8_t> frame(fp.prober->max_frame_size());
  uint8_t* f = frame.data();
  uint16_t len = 0;
  const ProbeTarget t{target, port};
  fp.prober->write_probes({&t, 1}, &f, &len);
  check(len <= frame.size(), "a probe longer than max_frame_size()");
  frame.resize(len);
  DecodedPacket p;
  check(decode_ethernet(frame.data(), frame.size(), p) == DecodeStatus::Ok,
        "a module's own probe does not decode with its checksums verified");
  if (mask & 0x01) d.dst_ip = p.src_ip;
  if (mask & 0x02) d.dst_port = p.src_port;
  if (mask & 0x04) d.ack = p.seq + (mask >> 6);
  if (mask & 0x08) d.seq = p.ack;
  if (mask & 0x10) {
    d.icmp_id = p.icmp_id;
    d.icmp_seq = p.icmp_seq;
  }
  if (mask & 0x20) quote_of(frame, d.quote);
}

bool valid(const PortResult& r) {
  return static_cast<unsigned>(r.state) <= static_cast<unsigned>(PortState::ClosedFiltered) &&
         static_cast<size_t>(r.reason) < kReasonCount;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mask = data[0];
  DecodedPacket decoded;
  if (!decode_any(data + 1, size - 1, decoded)) return 0;

  for (const fuzz::FuzzProber& fp : probers()) {
    DecodedPacket d = decoded;
    if (mask & 0x3f) echo_probe(fp, mask, d);
    ReplyOutcome outcome;
    bool done = false;
    fp.prober->classify({&d, 1}, 1234, &outcome, &done);
    check(done == (outcome.verdict != ReplyVerdict::Ignored), "done disagrees with the verdict");
    if (outcome.verdict != ReplyVerdict::Result) {
      check(!outcome.needs_answer, "an answer without a result");
      continue;
    }
    const PortResult& r = outcome.result;
    check(r.proto == fp.module->proto, "a result in another protocol than the module's");
    check(valid(r), "a result with an unknown state or reason");
    check(r.time_us == 1234, "a result without the batch's time");
    if (fp.module->proto == Proto::Ip) check(r.port <= 255, "-sO result beyond protocol 255");
    if (!outcome.needs_answer) continue;
    // Exactly max_frame_size() bytes on the heap: ASan sees any overrun.
    const size_t cap = fp.prober->max_frame_size();
    std::unique_ptr<uint8_t[]> answer(new uint8_t[cap]);
    const size_t n = fp.prober->write_answer(d, answer.get());
    check(n <= cap, "an answer longer than max_frame_size()");
    if (n == 0) continue;
    DecodedPacket a;
    check(decode_ethernet(answer.get(), n, a) == DecodeStatus::Ok,
          "an answer that does not decode with its checksums verified");
    check(a.dst_ip == d.src_ip && a.src_ip == d.dst_ip, "an answer to someone else");
  }
  return 0;
}
