#include "output/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"

namespace portsweep {

namespace {

[[noreturn]] void cannot_open(const std::string& path, int err) {
  throw RuntimeFailure("cannot open output file \"" + path + "\" for writing: " + std::strerror(err));
}

}  // namespace

OutputFile::OutputFile(std::string path, bool append) : path_(std::move(path)) {
  if (path_ == "-") {
    file_ = stdout;
    started_ = true;
    return;
  }
  // O_EXCL first, to know whether the file is ours to remove again.
  const int mode = O_WRONLY | O_CLOEXEC | (append ? O_APPEND : 0);
  int fd = ::open(path_.c_str(), mode | O_CREAT | O_EXCL, 0666);
  created_ = fd >= 0;
  if (fd < 0 && errno == EEXIST) fd = ::open(path_.c_str(), mode);
  // A symbolic link to a file not yet there: created through the link, as
  // fopen would (not removed again: the name that was made is the target's).
  if (fd < 0 && errno == ENOENT) fd = ::open(path_.c_str(), mode | O_CREAT, 0666);
  if (fd < 0) cannot_open(path_, errno);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int err = errno;
    ::close(fd);
    cannot_open(path_, err);
  }
  regular_ = S_ISREG(info.st_mode) && !append;
  file_ = ::fdopen(fd, append ? "a" : "w");  // "w" does not truncate a descriptor that is already open
  if (file_ == nullptr) {
    const int err = errno;
    ::close(fd);
    if (created_) ::unlink(path_.c_str());
    cannot_open(path_, err);
  }
}

OutputFile::~OutputFile() {
  // Never throws: whatever was written so far is kept even when a writer is
  // destroyed by an exception.
  if (file_ == stdout) {
    std::fflush(file_);
  } else if (file_ != nullptr) {
    std::fclose(file_);
    if (created_ && !started_) ::unlink(path_.c_str());
  }
}

void OutputFile::start() {
  if (started_) return;
  started_ = true;
  if (regular_ && ::ftruncate(::fileno(file_), 0) != 0 && write_errno_ == 0) write_errno_ = errno;
}

void OutputFile::write(std::string_view text) {
  if (text.empty()) return;
  start();
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size() && write_errno_ == 0) {
    write_errno_ = errno != 0 ? errno : EIO;
  }
}

void OutputFile::flush() {
  start();
  if (std::fflush(file_) != 0 && write_errno_ == 0) write_errno_ = errno != 0 ? errno : EIO;
  if (write_errno_ != 0) fail(write_errno_);
}

void OutputFile::fail(int err) const {
  throw RuntimeFailure("cannot write output file " +
                       (path_ == "-" ? std::string("(standard output)") : "\"" + path_ + "\"") + ": " +
                       std::strerror(err));
}

}  // namespace portsweep
