// The nmap-service-probes reader (ServiceProbeDb::parse) against arbitrary
// text, and, when the text loads, the database it built: the probe order for
// a few ports, and every probe's match chain run over a few responses and
// over the input itself (so fuzzed patterns and version templates run too).
// JIT off: compiling machine code for every pattern of every input would cost
// most of the time, and the interpreter answers the same.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "detect/service_probes.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace portsweep;
using portsweep::fuzz::check;

constexpr std::string_view kResponses[] = {
    "",
    "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
    "220 (vsFTPd 3.0.3)\r\n",
    "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Length: 0\r\n\r\n",
    std::string_view("\x00\x01\x02\xff\xfe", 5),
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  std::istringstream in{std::string(text)};
  ServiceProbeLoadOptions options;
  options.jit = false;
  fuzz::accepts([&] {
    const ServiceProbeDb db = ServiceProbeDb::parse(in, "fuzz", options);
    check(!db.probes().empty(), "a database without probes loaded");
    for (uint16_t port : {uint16_t{0}, uint16_t{22}, uint16_t{80}, uint16_t{443}, uint16_t{65535}}) {
      for (Proto proto : {Proto::Tcp, Proto::Udp}) {
        for (const ServiceProbe* p : db.probe_order(port, proto, port == 443, 9))
          check(p->proto == proto, "probe_order() gives a probe of the other protocol");
        db.excluded(port, proto);
      }
    }
    size_t budget = 8;  // probes whose chains run, per input
    for (const ServiceProbe& probe : db.probes()) {
      if (budget-- == 0) break;
      for (std::string_view r : kResponses) {
        if (auto m = db.match(probe, r)) db.match(probe, r, m->service);
      }
      db.match(probe, text);
    }
  });
  return 0;
}
