#pragma once
// A small services file written for each test, so expectations about names,
// ties and ordering do not depend on which nmap release is installed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include <unistd.h>

#include "ports/services_db.hpp"

namespace portsweep::testing {

// TCP by frequency: 80, 443, 21, then 22 and 23 tied, 25, 53, 8080, 6001,
// 8443, 0. UDP: 161, 53, 111, 80, 22. SCTP: 3868, 80.
inline constexpr const char* kSmallServices =
    "# test services file\n"
    "#\n"
    "ftp\t21/tcp\t0.197667\t# File Transfer\n"
    "ssh\t22/tcp\t0.182286\t# Secure Shell\n"
    "ssh\t22/udp\t0.003905\n"
    "telnet\t23/tcp\t0.182286\n"
    "smtp\t25/tcp\t0.131314\n"
    "domain\t53/tcp\t0.048463\n"
    "domain\t53/udp\t0.213496\n"
    "http\t80/tcp\t0.484143\t# World Wide Web HTTP\n"
    "http\t80/udp\t0.035767\n"
    "http\t80/sctp\t0.000000\n"
    "rpcbind\t111/udp\t0.093988\n"
    "snmp\t161/udp\t0.433467\n"
    "https\t443/tcp\t0.208669\n"
    "https-alt\t8443/tcp\t0.009966\n"
    "http-proxy\t8080/tcp\t0.042052\n"
    "X11:1\t6001/tcp\t0.011730\n"
    "zero\t0/tcp\t0.000000\n"
    "sctp-only\t3868/sctp\t0.000100\n";

// Per-process, so concurrent runs of the test binary do not collide.
inline std::filesystem::path scratch_dir() {
  return std::filesystem::path(::testing::TempDir()) / ("portsweep-ports-" + std::to_string(::getpid()));
}

// Writes `contents` under this process's own scratch directory (see
// scratch_dir) and removes it when the test ends.
class TempServicesFile {
 public:
  explicit TempServicesFile(const std::string& contents = kSmallServices,
                            const std::string& name = "portsweep-test-services")
      : path_(scratch_dir() / name) {
    std::filesystem::create_directories(path_.parent_path());
    std::ofstream(path_) << contents;
  }
  ~TempServicesFile() {
    std::error_code ignored;  // directories go only once empty
    std::filesystem::remove(path_, ignored);
    std::filesystem::remove(path_.parent_path(), ignored);
    std::filesystem::remove(scratch_dir(), ignored);
  }
  TempServicesFile(const TempServicesFile&) = delete;
  TempServicesFile& operator=(const TempServicesFile&) = delete;

  std::string path() const { return path_.string(); }
  ServicesDb load() const { return ServicesDb::load_file(path()); }

 private:
  std::filesystem::path path_;
};

inline constexpr const char* kNmapServices = "/usr/share/nmap/nmap-services";

inline bool nmap_services_installed() { return std::filesystem::exists(kNmapServices); }

}  // namespace portsweep::testing
