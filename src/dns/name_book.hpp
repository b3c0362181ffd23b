#pragma once
// The PTR names found so far, written by a resolver's threads and read by
// the report writers once lookups are over. One lock per host found, never
// per packet.
#include <mutex>
#include <string>
#include <unordered_map>

#include "portsweep/ip_address.hpp"

namespace portsweep {

class NameBook {
 public:
  void set(const IpAddress& ip, std::string name);
  // The PTR name of `ip`; empty when it has none (yet).
  std::string find(const IpAddress& ip) const;
  std::size_t size() const;
  std::unordered_map<IpAddress, std::string> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<IpAddress, std::string> names_;
};

}  // namespace portsweep
