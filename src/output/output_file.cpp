#include "output/output_file.hpp"

#include <cerrno>
#include <cstring>

#include "common/error.hpp"

namespace portsweep {

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  if (path_ == "-") {
    file_ = stdout;
    return;
  }
  file_ = std::fopen(path_.c_str(), "w");
  if (file_ == nullptr) {
    const int err = errno;
    throw RuntimeFailure("Cannot open output file " + path_ + " for writing: " + std::strerror(err) +
                         ".");
  }
}

OutputFile::~OutputFile() {
  // Never throws: whatever was written so far is kept even when a writer is
  // destroyed by an exception.
  if (file_ == stdout) {
    std::fflush(file_);
  } else if (file_ != nullptr) {
    std::fclose(file_);
  }
}

void OutputFile::write(std::string_view text) {
  if (text.empty()) return;
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size() && write_errno_ == 0) {
    write_errno_ = errno != 0 ? errno : EIO;
  }
}

void OutputFile::flush() {
  if (std::fflush(file_) != 0 && write_errno_ == 0) write_errno_ = errno != 0 ? errno : EIO;
  if (write_errno_ != 0) fail(write_errno_);
}

void OutputFile::fail(int err) const {
  throw RuntimeFailure("Cannot write output file " + (path_ == "-" ? std::string("(standard output)") : path_) +
                       ": " + std::strerror(err) + ".");
}

}  // namespace portsweep
