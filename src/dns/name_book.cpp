#include "dns/name_book.hpp"

namespace portsweep {

void NameBook::set(const IpAddress& ip, std::string name) {
  std::lock_guard lock(mutex_);
  names_.insert_or_assign(ip, std::move(name));
}

std::string NameBook::find(const IpAddress& ip) const {
  std::lock_guard lock(mutex_);
  auto it = names_.find(ip);
  return it == names_.end() ? std::string() : it->second;
}

std::size_t NameBook::size() const {
  std::lock_guard lock(mutex_);
  return names_.size();
}

std::unordered_map<IpAddress, std::string> NameBook::snapshot() const {
  std::lock_guard lock(mutex_);
  return names_;
}

}  // namespace portsweep
