#include "detect/saved_scan.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.hpp"

namespace portsweep {

namespace {

// Inverts one of result.hpp's to_string() functions over its enum's values.
template <typename Enum>
bool from_string(std::string_view s, Enum& out, int count) {
  for (int i = 0; i < count; ++i) {
    const auto e = static_cast<Enum>(i);
    if (to_string(e) == s) {
      out = e;
      return true;
    }
  }
  return false;
}

}  // namespace

// Counted from each enum's last value, so a value added at the end is read
// back too (a literal count once left out "proto-response", -sO's reason).
bool parse_proto(std::string_view s, Proto& out) { return from_string(s, out, static_cast<int>(kProtoCount)); }
bool parse_port_state(std::string_view s, PortState& out) {
  return from_string(s, out, static_cast<int>(PortState::ClosedFiltered) + 1);
}
bool parse_reason(std::string_view s, Reason& out) {
  return from_string(s, out, static_cast<int>(Reason::ProtoResponse) + 1);
}

SavedScan read_saved_scan(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RuntimeFailure("cannot read saved results \"" + path + "\": " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) throw RuntimeFailure("cannot read saved results \"" + path + "\": " + std::strerror(errno));
  const std::string s = text.str();
  const std::size_t first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    throw UsageError("saved results \"" + path + "\" are empty; expected JSON lines (-oJ) or XML (-oX)");
  }
  if (s[first] == '<') return parse_saved_xml(s, path);
  if (s[first] == '{') {
    std::istringstream lines(s);
    return parse_saved_jsonl(lines, path);
  }
  throw UsageError("saved results \"" + path + "\" are neither JSON lines (-oJ) nor XML (-oX)");
}

}  // namespace portsweep
