#pragma once
// OpenSSL writes TLS records with write(2), which raises SIGPIPE when the
// peer has already closed (common once a port's other connections are cut
// short), and SIGPIPE's default action ends the process. While version
// detection runs on a thread, SIGPIPE is blocked there; a SIGPIPE the
// thread earned meanwhile is consumed before the old mask comes back, so it
// is never delivered late. Plain socket writes use MSG_NOSIGNAL instead.
#include <pthread.h>
#include <signal.h>

#include <ctime>

namespace portsweep {

class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeGuard() {
    if (sigismember(&old_, SIGPIPE) == 1) return;  // blocked before: leave it as it was
    const timespec none{};
    while (sigtimedwait(&pipe_, nullptr, &none) == SIGPIPE) {
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t pipe_{};
  sigset_t old_{};
};

}  // namespace portsweep
