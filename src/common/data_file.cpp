#include "common/data_file.hpp"

#include <sys/stat.h>

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

std::string first_data_file(const std::vector<std::string>& paths, const std::string& what) {
  for (const std::string& path : paths) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 && (errno == ENOENT || errno == ENOTDIR)) continue;
    return path;
  }
  std::string tried;
  for (const std::string& path : paths) tried += (tried.empty() ? "" : ", ") + path;
  throw RuntimeFailure("no " + what + " file found (looked for " + tried +
                       "); install nmap's data files or pass --datadir");
}

}  // namespace portsweep
