#include "detect/saved_scan.hpp"

#include <charconv>
#include <optional>
#include <vector>

#include "detect/saved_records.hpp"

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

bool parse_mac_text(std::string_view s, std::array<uint8_t, 6>& out) {
  if (s.size() != 17) return false;
  for (std::size_t i = 0; i < 6; ++i) {
    if (i > 0 && s[i * 3 - 1] != ':') return false;
    unsigned v = 0;
    const auto [end, error] = std::from_chars(s.data() + i * 3, s.data() + i * 3 + 2, v, 16);
    if (error != std::errc() || end != s.data() + i * 3 + 2) return false;
    out[i] = static_cast<uint8_t>(v);
  }
  return true;
}

std::vector<std::string_view> args_words(std::string_view args) {
  std::vector<std::string_view> words;
  for (std::size_t at = 0; at < args.size();) {
    const std::size_t space = args.find(' ', at);
    const std::size_t end = space == std::string_view::npos ? args.size() : space;
    if (end > at) words.push_back(args.substr(at, end - at));
    at = end + 1;
  }
  return words;
}

void describe_from_args(SavedHeader& header) {
  // A value may be attached ("--shard=2/4") or the next word.
  const std::vector<std::string_view> words = args_words(header.args);
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string_view w = words[i];
    auto value = [&](std::string_view name) -> std::optional<std::string_view> {
      if (w == name && i + 1 < words.size()) return words[++i];
      if (w.size() > name.size() + 1 && w.substr(0, name.size()) == name && w[name.size()] == '=')
        return w.substr(name.size() + 1);
      return std::nullopt;
    };
    if (const auto shard = value("--shard")) {
      header.shard = std::string(*shard);
    } else if (const auto seed = value("--seed")) {
      uint64_t n = 0;
      const auto [end, error] = std::from_chars(seed->data(), seed->data() + seed->size(), n);
      if (error == std::errc() && end == seed->data() + seed->size()) header.seed = n;
    } else if (w == "-sn") {
      header.port_scan = false;
    } else if (w == "-A" || w == "--service-version" ||
               (w.size() > 2 && w.substr(0, 2) == "-s" && w.find('V') != std::string_view::npos && w[2] != '-')) {
      header.version_scan = true;
    }
  }
}

namespace {

// Opens saved results and skips the blank lines before their first
// character, which tells the format ('{' JSON lines, '<' XML); `read` then
// streams the rest of the file with that reader.
template <typename Read>
auto read_saved_file(const std::string& path, Read read) {
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode))
    throw UsageError("saved results \"" + path + "\" is a directory; expected JSON lines (-oJ) or XML (-oX)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RuntimeFailure("cannot read saved results \"" + path + "\": " + std::strerror(errno));
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
  auto result = read(in, first == '{', lines);
  if (in.bad()) throw RuntimeFailure("cannot read saved results \"" + path + "\": " + std::strerror(errno));
  return result;
}

}  // namespace

SavedScan read_saved_scan(const std::string& path) {
  return read_saved_file(path, [&](std::istream& in, bool json, std::size_t lines) {
    return json ? parse_saved_jsonl(in, path, lines) : parse_saved_xml(in, path, lines);
  });
}

void read_saved_records(const std::string& path, SavedRecordSink& sink) {
  read_saved_file(path, [&](std::istream& in, bool json, std::size_t lines) {
    if (json) read_jsonl_records(in, path, lines, sink);
    else read_xml_records(in, path, lines, sink);
    return true;
  });
}

}  // namespace portsweep
