#pragma once
// Sends the process's standard output to /dev/null while alive: a command
// under test writes nmap's normal output there besides its files.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

namespace portsweep {

class QuietStdout {
 public:
  QuietStdout() : saved_(::dup(STDOUT_FILENO)), null_(::open("/dev/null", O_WRONLY)) {
    std::fflush(stdout);
    ::dup2(null_, STDOUT_FILENO);
  }
  ~QuietStdout() {
    std::fflush(stdout);
    ::dup2(saved_, STDOUT_FILENO);
    ::close(saved_);
    ::close(null_);
  }
  QuietStdout(const QuietStdout&) = delete;
  QuietStdout& operator=(const QuietStdout&) = delete;

 private:
  int saved_;
  int null_;
};

}  // namespace portsweep
