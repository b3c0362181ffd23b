#include "packet/probe_cookie.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include "common/error.hpp"
#include <string>

namespace portsweep {

CookieKey random_cookie_key() {
  // getrandom() rather than std::random_device: the standard does not promise
  // the latter is unpredictable, and a guessable key lets a target forge
  // "open" replies. 16 bytes never block once the pool is initialised.
  uint64_t words[2];
  auto* p = reinterpret_cast<unsigned char*>(words);
  size_t got = 0;
  while (got < sizeof words) {
    ssize_t n = getrandom(p + got, sizeof words - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw RuntimeFailure(std::string("getrandom failed: ") + std::strerror(errno));
    }
    got += static_cast<size_t>(n);
  }
  return CookieKey{words[0], words[1]};
}

}  // namespace portsweep
