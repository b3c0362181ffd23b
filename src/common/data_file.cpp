#include "common/data_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "common/error.hpp"

namespace portsweep {

std::string read_data_file(const std::string& path, const std::string& what) {
  auto fail = [&](int error) {
    throw RuntimeFailure("cannot read " + what + " file \"" + path + "\": " + std::strerror(error));
  };
  std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) fail(errno);
  std::string text;
  char buffer[65536];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, got);
  // A directory opens fine on Linux and only fails (EISDIR) on the read.
  if (std::ferror(file.get())) fail(errno);
  return text;
}

}  // namespace portsweep
