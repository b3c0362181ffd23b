#include "engine/os_hints.hpp"

namespace portsweep {

bool read_os_hint(const OsHintCapture& c, const os::PassiveClassifier& classifier, OsHintRecord& out) noexcept {
  if (!os::observe_tcp_reply(c.headers, c.len, out.observation)) return false;
  out.ip = c.ip;
  out.match = classifier.classify(out.observation);
  return true;
}

}  // namespace portsweep
