// The resume-file reader (read_resume_file) against an arbitrary text part,
// and the result log it points to (read_result_log). The binary sidecars
// (FILE.answered, FILE.results) are written by this harness: when the text
// declares "answered N" or "results N" (N small), sidecars of exactly that
// size are filled from the input's own bytes, so the reader gets past its
// size checks and reads records whose state and reason bytes are fuzzed too.
// A file that reads is written back with write_resume_file and must read
// back the same.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <span>
#include <string>
#include <vector>

#include "engine/resume_file.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace portsweep;
using portsweep::fuzz::check;

// One directory per fuzzing process, removed at exit. The name is held in a
// static array: a std::string would be destroyed before the atexit handler
// that needs it runs.
char g_dir[] = "/tmp/portsweep-fuzz-resume-XXXXXX";

const std::string& dir() {
  static const std::string d = [] {
    if (::mkdtemp(g_dir) == nullptr) fuzz::fail("cannot create a temporary directory");
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(g_dir, ignored);
    });
    return std::string(g_dir);
  }();
  return d;
}

// The count after `word` on the first line that starts with it, as the
// reader would take it; 0 when there is none or it is too large to write.
size_t declared(const std::string& text, const std::string& word) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(word + " ", 0) != 0) continue;
    std::istringstream v(line.substr(word.size() + 1));
    size_t n = 0;
    if (!(v >> n) || n > 4096) return 0;
    return n;
  }
  return 0;
}

void write_sidecar(const std::string& path, size_t bytes, const uint8_t* data, size_t size) {
  std::string body(bytes, '\0');
  for (size_t i = 0; i < bytes && size > 0; ++i) body[i] = static_cast<char>(data[(i * 7) % size] ^ (i / size));
  std::ofstream(path, std::ios::binary) << body;
}

bool same(const ResumeState& a, const ResumeState& b) {
  if (a.args != b.args || a.seed != b.seed || a.key.k0 != b.key.k0 || a.key.k1 != b.key.k1 ||
      a.tx_threads != b.tx_threads || a.position.pass != b.position.pass ||
      a.position.positions != b.position.positions || a.answered != b.answered || a.results != b.results)
    return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(fuzz::as_text(data, size));
  const std::string path = dir() + "/scan.resume";
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  ::unlink((path + ".answered").c_str());
  ::unlink((path + ".results").c_str());
  if (size_t n = declared(text, "answered")) write_sidecar(path + ".answered", n * 8, data, size);
  if (size_t n = declared(text, "results")) write_sidecar(path + ".results", n * 19, data, size);

  ResumeState state;
  if (!fuzz::accepts([&] { state = read_resume_file(path); })) return 0;
  check(state.tx_threads >= 1 && state.tx_threads <= 64, "a thread count outside 1-64 accepted");
  check(state.position.positions.size() == state.tx_threads, "positions and threads disagree");

  if (state.results != 0) {
    uint64_t seen = 0;
    fuzz::accepts([&] {
      read_result_log(path, state.results, [&](std::span<const ProbeResult> chunk) {
        for (const ProbeResult& r : chunk) {
          check(static_cast<unsigned>(r.state) <= static_cast<unsigned>(PortState::ClosedFiltered) &&
                    static_cast<size_t>(r.reason) < kReasonCount,
                "a logged result with an unknown state or reason");
        }
        seen += chunk.size();
      });
      check(seen == state.results, "the result log handed over another count than the resume file names");
    });
  }

  // The result log travels beside the resume file (the engine moves it).
  const std::string copy = dir() + "/again.resume";
  std::error_code no_log;  // none when the file names no results
  std::filesystem::copy_file(path + ".results", copy + ".results", std::filesystem::copy_options::overwrite_existing,
                             no_log);
  write_resume_file(copy, state);
  check(same(read_resume_file(copy), state), "a resume file does not read back what was written");
  return 0;
}
