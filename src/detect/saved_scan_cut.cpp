#include "detect/saved_scan_cut.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <streambuf>
#include <string_view>

#include "common/error.hpp"

namespace portsweep {

namespace {

[[noreturn]] void read_failed(const std::string& path) {
  throw RuntimeFailure("cannot read saved results \"" + path + "\": " + std::strerror(errno));
}

// The first `limit` bytes of `in` as a stream of their own, so the JSON
// lines reader stops before the cut line without the file being copied;
// it counts the newlines it hands on, which numbers the cut line.
class PrefixBuffer : public std::streambuf {
 public:
  PrefixBuffer(std::istream& in, uint64_t limit) : in_(in), left_(limit) {}
  std::size_t newlines() const { return newlines_; }

 protected:
  int_type underflow() override {
    if (left_ == 0) return traits_type::eof();
    in_.read(chunk_.data(), static_cast<std::streamsize>(std::min<uint64_t>(left_, chunk_.size())));
    const auto n = static_cast<std::size_t>(in_.gcount());
    if (n == 0) return traits_type::eof();
    left_ -= n;
    newlines_ += static_cast<std::size_t>(std::count(chunk_.data(), chunk_.data() + n, '\n'));
    setg(chunk_.data(), chunk_.data(), chunk_.data() + n);
    return traits_type::to_int_type(chunk_[0]);
  }

 private:
  std::istream& in_;
  uint64_t left_;
  std::size_t newlines_ = 0;
  std::array<char, 64 * 1024> chunk_{};
};

// Where the last line of a `size`-byte file starts: after its last newline,
// found by reading backwards from the end.
uint64_t last_line_start(std::istream& in, uint64_t size, const std::string& path) {
  std::array<char, 4096> block{};
  for (uint64_t end = size; end > 0;) {
    const uint64_t begin = end > block.size() ? end - block.size() : 0;
    in.seekg(static_cast<std::streamoff>(begin));
    if (!in.read(block.data(), static_cast<std::streamsize>(end - begin))) read_failed(path);
    for (uint64_t i = end - begin; i > 0; --i) {
      if (block[i - 1] == '\n') return begin + i;
    }
    end = begin;
  }
  return 0;
}

bool parses_alone(const std::string& line, const std::string& path) {
  std::istringstream in(line);
  try {
    parse_saved_jsonl(in, path);
    return true;
  } catch (const UsageError&) {
    return false;
  }
}

}  // namespace

SalvagedScan read_saved_scan_to_cut(const std::string& path) {
  // Only a regular file can end in a cut line worth salvaging (and be read
  // backwards); anything else, and any file that does not end that way, is
  // read (or refused) by read_saved_scan as it is.
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode) || info.st_size == 0) return {read_saved_scan(path)};
  std::ifstream in(path, std::ios::binary);
  if (!in) return {read_saved_scan(path)};
  uint64_t first = 0;  // offset of the first byte that is not blank
  for (int c = in.peek(); c == ' ' || c == '\t' || c == '\r' || c == '\n'; c = in.peek()) {
    in.get();
    ++first;
  }
  if (in.peek() != '{') return {read_saved_scan(path)};
  const auto size = static_cast<uint64_t>(info.st_size);
  in.seekg(static_cast<std::streamoff>(size - 1));
  if (in.peek() == '\n') return {read_saved_scan(path)};

  const uint64_t start = last_line_start(in, size, path);
  std::string last(size - start, '\0');
  in.seekg(static_cast<std::streamoff>(start));
  if (!in.read(last.data(), static_cast<std::streamsize>(last.size()))) read_failed(path);
  // Whole but for its newline (killed between the two writes), or blank.
  if (parses_alone(last, path)) return {read_saved_scan(path)};
  // A cut line never ends its object; one that does and still fails is a
  // bad line, which read_saved_scan reports.
  const std::size_t end = last.find_last_not_of(" \t\r");
  if (end != std::string::npos && last[end] == '}') return {read_saved_scan(path)};

  in.clear();
  in.seekg(0);
  PrefixBuffer prefix_buffer(in, start);
  std::istream prefix(&prefix_buffer);
  SalvagedScan salvaged{parse_saved_jsonl(prefix, path), 0};
  if (in.bad()) read_failed(path);
  salvaged.cut_line = prefix_buffer.newlines() + 1;
  if (first >= start) {
    throw UsageError("saved results \"" + path + "\" hold no whole line: line " +
                     std::to_string(salvaged.cut_line) + ", the only one, is cut short");
  }
  return salvaged;
}

std::string last_line_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) read_failed(path);
  uint64_t size = static_cast<uint64_t>(in.tellg());
  if (size == 0) return {};
  in.seekg(static_cast<std::streamoff>(size - 1));
  if (in.peek() == '\n') --size;  // the line before the final newline
  const uint64_t start = last_line_start(in, size, path);
  std::string last(size - start, '\0');
  in.seekg(static_cast<std::streamoff>(start));
  if (!in.read(last.data(), static_cast<std::streamsize>(last.size()))) read_failed(path);
  return last;
}

}  // namespace portsweep
