#pragma once
// One output destination: a file opened for writing, or standard output for
// the path "-". Opening fails loudly, naming the path, so a bad -oX path stops
// the scan before any packet is sent.
//
// Opening does not truncate. An existing file keeps what an earlier scan
// wrote until this scan starts writing (start(), or the first write or
// flush), so a command that fails after its outputs are opened — a later
// output that cannot be opened, an interface that cannot be used — loses
// nothing; and a file this object created and never started is removed
// again, so a refused command leaves nothing behind either.
#include <cstdio>
#include <string>
#include <string_view>

namespace portsweep {

class OutputFile {
 public:
  // Opens or creates `path` without truncating it; throws RuntimeFailure
  // naming it and the OS error. `append` (--append-output): the scan's
  // output goes after what the file holds, which is never emptied.
  explicit OutputFile(std::string path, bool append = false);
  // Flushes what is buffered and closes the file (never standard output);
  // removes the file if this object created it and it was never started.
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // The scan's output begins: a regular file is emptied now (once). Devices,
  // FIFOs and standard output are written as they are.
  void start();
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
  bool regular_ = false;  // a regular file: truncated by start() unless appended to
  bool created_ = false;  // this object made the file
  bool started_ = false;
};

}  // namespace portsweep
