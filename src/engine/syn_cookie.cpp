#include "engine/syn_cookie.hpp"

#include <random>

namespace portsweep {

CookieKey random_cookie_key() {
  std::random_device rd;  // getrandom()/urandom on Linux
  const auto word = [&rd] { return (uint64_t{rd()} << 32) | rd(); };
  CookieKey k;
  k.k0 = word();
  k.k1 = word();
  return k;
}

}  // namespace portsweep
