// p0f.fp as the passive OS hint reads it, and the observation of a reply:
// any bytes either parse or are refused with a sentence; every signature
// read points at a label and has a layout within 40 options; the input's
// own bytes, read as an IPv4 TCP reply, give an observation whose layout
// fits, and matching it against the parsed file (or the project's own, when
// the input is refused) returns a label of that file or none.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "os/p0f_signatures.hpp"
#include "os/passive_hint.hpp"

namespace {

const portsweep::os::PassiveClassifier& own() {
  static const portsweep::os::PassiveClassifier c(
      portsweep::os::P0fDatabase::load(std::string(PORTSWEEP_SOURCE_DATADIR) + "/p0f-response.fp"));
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace portsweep;
  using namespace portsweep::os;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::optional<PassiveClassifier> parsed;
  fuzz::accepts([&] { parsed.emplace(P0fDatabase::parse(text, "fuzz.fp")); });
  const PassiveClassifier& c = parsed ? *parsed : own();
  for (const P0fTcpSignature& s : c.database().responses()) {
    fuzz::check(s.label < c.database().labels().size(), "a signature without its label");
    fuzz::check(s.layout_len <= kP0fMaxOptions, "a layout past 40 options");
  }
  PassiveObservation o;
  if (observe_tcp_reply(data, size, o)) {
    fuzz::check(o.layout_len <= kP0fMaxOptions, "an observed layout past 40 options");
    fuzz::check(o.ittl >= o.ttl, "an initial TTL below the TTL seen");
    const PassiveMatch m = c.classify(o);
    fuzz::check((m.kind == PassiveMatchKind::None) == (m.label == nullptr), "a match without a label");
    fuzz::check(!format_observed_signature(o).empty(), "an empty signature");
  }
  return 0;
}
