#include "fuzz_probers.hpp"

#include "fuzz_support.hpp"

namespace portsweep::fuzz {

const UdpPayloadDb& fuzz_payloads() {
  static const UdpPayloadDb db = UdpPayloadDb::load_file(source_data("portsweep-payloads"));
  return db;
}

std::vector<FuzzProber> make_fuzz_probers() {
  ProbeConfig plain;
  plain.src_mac = {0x02, 0, 0, 0, 0, 0x01};
  plain.dst_mac = {0x02, 0, 0, 0, 0, 0x02};
  plain.src_ip = kScannerIp;
  plain.src_ports = {40000, 1};
  plain.cookie_key = {0x0123456789abcdefull, 0xfedcba9876543210ull};
  plain.udp_payloads = &fuzz_payloads();
  ProbeConfig flagged = plain;
  flagged.src_ports = {61000, 1};
  flagged.tcp_flags = 0x11;  // FIN+ACK
  std::vector<FuzzProber> out;
  for (const ProbeConfig* c : {&plain, &flagged}) {
    for (const ProbeModule* m : probe_modules()) {
      // -sT is the kernel's connect() and -sI has an engine of its own: no
      // prober, no classifier.
      if (m->runner == ScanRunner::Sweep && m->create != nullptr) out.push_back({m, m->create(*c)});
    }
  }
  return out;
}

}  // namespace portsweep::fuzz
