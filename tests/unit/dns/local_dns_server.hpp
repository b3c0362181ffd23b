#pragma once
// A DNS server on 127.0.0.1 for the resolver tests: answers PTR questions
// from a table over UDP and keeps every name it was asked, so a test can
// check both what a resolver asked and what it made of the answer. Nothing
// leaves the loopback interface.
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace portsweep::test {

class LocalDnsServer {
 public:
  // `ptr`: question name (no trailing dot, lower case) -> the PTR answer.
  // Other questions get NXDOMAIN.
  explicit LocalDnsServer(std::map<std::string, std::string> ptr);
  ~LocalDnsServer();
  LocalDnsServer(const LocalDnsServer&) = delete;
  LocalDnsServer& operator=(const LocalDnsServer&) = delete;

  // "127.0.0.1:PORT", as ResolverOptions::servers takes it.
  std::string address() const;
  // Every question name received, in order (repeats included).
  std::vector<std::string> asked() const;

 private:
  void serve();

  std::map<std::string, std::string> ptr_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> asked_;
  std::thread thread_;
};

}  // namespace portsweep::test
