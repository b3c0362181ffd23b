#include "detect/saved_scan.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include <sys/stat.h>

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

bool parse_proto(std::string_view s, Proto& out) { return from_string(s, out, 4); }
bool parse_port_state(std::string_view s, PortState& out) { return from_string(s, out, 6); }
bool parse_reason(std::string_view s, Reason& out) { return from_string(s, out, static_cast<int>(kReasonCount)); }

uint64_t SavedScan::result_count() const {
  uint64_t n = results.size();
  for (const PortRun& r : runs) n += uint64_t{r.last} - r.first + 1;
  return n;
}

void for_each_result_batch(const SavedScan& scan, const std::function<void(std::span<const PortResult>)>& fn) {
  for (std::size_t i = 0; i < scan.results.size(); i += kResultBatch)
    fn(std::span(scan.results).subspan(i, std::min(kResultBatch, scan.results.size() - i)));
  std::vector<PortResult> batch;
  batch.reserve(kResultBatch);
  for (const PortRun& run : scan.runs) {
    PortResult r = run.result;
    for (uint32_t port = run.first; port <= run.last; ++port) {
      r.port = static_cast<uint16_t>(port);
      batch.push_back(r);
      if (batch.size() == kResultBatch) {
        fn(batch);
        batch.clear();
      }
    }
  }
  if (!batch.empty()) fn(batch);
}

SavedScan read_saved_scan(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode))
    throw UsageError("saved results \"" + path + "\" is a directory; expected JSON lines (-oJ) or XML (-oX)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RuntimeFailure("cannot read saved results \"" + path + "\": " + std::strerror(errno));
  // The first character tells the format; either reader then streams the
  // rest of the file from there.
  std::size_t lines = 0;
  for (int c = in.peek(); c == ' ' || c == '\t' || c == '\r' || c == '\n'; c = in.peek()) lines += in.get() == '\n';
  const int first = in.peek();
  if (in.bad()) throw RuntimeFailure("cannot read saved results \"" + path + "\": " + std::strerror(errno));
  if (first == std::char_traits<char>::eof()) {
    throw UsageError("saved results \"" + path + "\" are empty; expected JSON lines (-oJ) or XML (-oX)");
  }
  if (first != '{' && first != '<') {
    throw UsageError("saved results \"" + path + "\" are neither JSON lines (-oJ) nor XML (-oX)");
  }
  SavedScan scan = first == '{' ? parse_saved_jsonl(in, path, lines) : parse_saved_xml(in, path, lines);
  if (in.bad()) throw RuntimeFailure("cannot read saved results \"" + path + "\": " + std::strerror(errno));
  return scan;
}

}  // namespace portsweep
