// The service matcher: a fuzzed response against Debian's nmap-service-probes
// (data/portsweep-service-probes when nmap-common is absent), loaded once, as
// version detection runs it: ServiceProbeDb::match() over the probe's own
// lines, its fallbacks and the NULL probe, with PCRE2 JIT, the first-byte
// index and the version templates ($1, $P(), $SUBST(), $I()).
//
// Input: a first line naming the probe, "TCP GetRequest" (a third word is a
// service softmatched earlier: "TCP GetRequest http"); an unknown name picks
// a probe by a hash of the line. The rest is the response. Checks: a match
// names a service; a match under a softmatch is a hard match or names that
// service; combining it with the softmatch keeps the hard match's service.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "detect/service_probes.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace portsweep;
using portsweep::fuzz::check;

const ServiceProbeDb& db() {
  static const ServiceProbeDb d = [] {
    const char* installed = "/usr/share/nmap/nmap-service-probes";
    try {
      return ServiceProbeDb::load_file(installed);
    } catch (const RuntimeFailure&) {
      return ServiceProbeDb::load_file(fuzz::source_data("portsweep-service-probes"));
    }
  }();
  return d;
}

std::string_view next_word(std::string_view& s) {
  const size_t start = s.find_first_not_of(' ');
  if (start == std::string_view::npos) return s = {};
  s.remove_prefix(start);
  const size_t end = s.find(' ');
  const std::string_view w = s.substr(0, end);
  s.remove_prefix(end == std::string_view::npos ? s.size() : end);
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = fuzz::as_text(data, size);
  const size_t nl = input.find('\n');
  std::string_view header = input.substr(0, nl);
  const std::string_view response = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);

  std::string_view rest = header;
  const std::string_view proto_word = next_word(rest);
  const std::string_view name = next_word(rest);
  const std::string_view soft = next_word(rest);
  const ServiceProbe* probe = db().find(name, proto_word == "UDP" ? Proto::Udp : Proto::Tcp);
  if (probe == nullptr) {
    size_t h = 0;
    for (char c : header) h = h * 31 + static_cast<unsigned char>(c);
    probe = &db().probes()[h % db().probes().size()];
  }

  const auto m = db().match(*probe, response);
  if (m) check(!m->service.empty(), "a match without a service");
  if (soft.empty()) return 0;
  const auto narrowed = db().match(*probe, response, soft);
  if (!narrowed) return 0;
  check(!narrowed->soft || narrowed->service == soft, "a softmatch of another service under a softmatch");
  if (!narrowed->soft) {
    ServiceMatch s;
    s.service = std::string(soft);
    s.soft = true;
    check(combine_with_softmatch(s, *narrowed).service == narrowed->service, "combining changed the service");
  }
  return 0;
}
