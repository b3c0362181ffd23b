#pragma once
// One output destination: a file opened for writing, or standard output for
// the path "-". Opening fails loudly, naming the path, so a bad -oX path stops
// the scan before any packet is sent.
#include <cstdio>
#include <string>
#include <string_view>

namespace portsweep {

class OutputFile {
 public:
  // Creates or truncates `path`; throws RuntimeFailure naming it and the OS error.
  explicit OutputFile(std::string path);
  // Flushes what is buffered and closes the file (never standard output).
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(std::string_view text);
  // Hands buffered text to the OS; throws RuntimeFailure if any write failed.
  void flush();

  const std::string& path() const { return path_; }
  bool is_stdout() const { return file_ == stdout; }

 private:
  [[noreturn]] void fail(int err) const;

  std::string path_;
  std::FILE* file_ = nullptr;
  int write_errno_ = 0;  // first failed write; reported by flush()
};

}  // namespace portsweep
