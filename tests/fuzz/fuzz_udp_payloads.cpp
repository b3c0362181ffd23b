// The nmap-payloads reader (UdpPayloadDb::parse) against arbitrary text, and
// the -sU probe templates (UdpProbe) built from what it accepted. Checks:
// at most 255 payloads per port, each within the size limit; no port lists
// the same bytes twice; a probe to a port with payloads decodes and carries
// the first of them.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "packet/packet_decoder.hpp"
#include "probes/udp_payloads.hpp"
#include "probes/udp_probe.hpp"

namespace {

using namespace portsweep;
using portsweep::fuzz::check;

void check_port(const UdpPayloadDb& db, uint16_t port, UdpProbe& probe, std::vector<uint8_t>& frame) {
  const auto list = db.payloads_for(port);
  check(list.size() <= UdpPayloadDb::kMaxPayloadsPerPort, "more than 255 payloads for a port");
  for (size_t i = 0; i < list.size(); ++i) {
    check(list[i].bytes.size() <= UdpPayloadDb::kMaxPayloadBytes, "a payload over the size limit");
    for (size_t j = 0; j < i; ++j)
      check(!std::equal(list[i].bytes.begin(), list[i].bytes.end(), list[j].bytes.begin(), list[j].bytes.end()),
            "a port lists the same payload twice");
  }
  const size_t len = probe.write(frame.data(), 0xc6130105, port);
  check(len <= frame.size(), "a probe longer than frame_capacity()");
  DecodedPacket d;
  check(decode_ethernet(frame.data(), len, d) == DecodeStatus::Ok,
        "a UDP probe that does not decode with its checksums verified");
  check(d.ip_proto == 17 && d.dst_port == port, "a UDP probe to the wrong port");
  const auto first = list.empty() ? std::span<const uint8_t>() : list[0].bytes;
  check(std::equal(first.begin(), first.end(), d.payload, d.payload + d.payload_len),
        "a probe without its port's first payload");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::accepts([&] {
    const UdpPayloadDb db = UdpPayloadDb::parse(fuzz::as_text(data, size), "fuzz");
    ProbeConfig config;
    config.src_ip = 0xc6120001;
    config.udp_payloads = &db;
    UdpProbe probe(config);
    std::vector<uint8_t> frame(probe.frame_capacity());
    size_t with_payloads = 0;
    for (uint32_t port = 0; port < 65536; ++port) {
      const auto list = db.payloads_for(static_cast<uint16_t>(port));
      if (list.empty()) continue;
      ++with_payloads;
      // Every port is bounds-checked cheaply; the full check samples them.
      if (with_payloads <= 64 || port % 4099 == 0) check_port(db, static_cast<uint16_t>(port), probe, frame);
    }
    check(with_payloads == db.port_count(), "port_count() disagrees with the table");
    check_port(db, 0, probe, frame);
  });
  return 0;
}
