#include "fuzz_support.hpp"

#include <cstdio>
#include <cstdlib>

namespace portsweep::fuzz {

void fail(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

}  // namespace portsweep::fuzz
