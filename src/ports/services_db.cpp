#include "ports/services_db.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <cstdio>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <sys/stat.h>

#include "common/data_file.hpp"
#include "common/error.hpp"
#include "portsweep_config.h"

namespace portsweep {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (fields.size() < 3) {
    while (i < line.size() && is_space(line[i])) ++i;
    if (i == line.size() || line[i] == '#') break;
    size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

std::optional<Proto> proto_named(std::string_view name) {
  if (name == "tcp") return Proto::Tcp;
  if (name == "udp") return Proto::Udp;
  if (name == "sctp") return Proto::Sctp;
  return std::nullopt;
}

std::optional<ServiceEntry> parse_line(std::string_view line) {
  std::vector<std::string_view> f = fields_of(line);
  if (f.size() < 3) return std::nullopt;
  size_t slash = f[1].find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  ServiceEntry entry;
  entry.name = std::string(f[0]);
  const char* port_begin = f[1].data();
  const char* port_end = port_begin + slash;
  unsigned port = 0;
  auto [port_stop, port_error] = std::from_chars(port_begin, port_end, port);
  if (port_error != std::errc() || port_stop != port_end || port_begin == port_end || port > 65535) {
    return std::nullopt;
  }
  entry.port = static_cast<uint16_t>(port);
  std::optional<Proto> proto = proto_named(f[1].substr(slash + 1));
  if (!proto) return std::nullopt;
  entry.proto = *proto;
  const char* freq_end = f[2].data() + f[2].size();
  auto [freq_stop, freq_error] = std::from_chars(f[2].data(), freq_end, entry.frequency);
  if (freq_error != std::errc() || freq_stop != freq_end || !(entry.frequency >= 0.0 && entry.frequency <= 1.0)) {
    return std::nullopt;
  }
  return entry;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool by_proto_port(const ServiceEntry& a, const ServiceEntry& b) {
  return a.proto != b.proto ? a.proto < b.proto : a.port < b.port;
}

size_t port_table_index(Proto proto) {
  if (proto == Proto::Ip) throw std::invalid_argument("ServicesDb: Proto::Ip has no ports");
  return static_cast<size_t>(proto);
}

}  // namespace

bool service_name_matches(std::string_view pattern, std::string_view name) {
  // Greedy matching with one backtrack point: the most recent '*' absorbs
  // one more character each time the rest fails to match.
  size_t p = 0, n = 0;
  size_t star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || lower(pattern[p]) == lower(name[n]))) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string> ServicesDb::search_path(const std::string& datadir) {
  std::vector<std::string> paths;
  if (!datadir.empty()) {
    paths.push_back(datadir + "/nmap-services");
    paths.push_back(datadir + "/portsweep-services");
  }
  paths.push_back("/usr/share/nmap/nmap-services");
  paths.push_back("/usr/local/share/nmap/nmap-services");
  paths.push_back(std::string(PORTSWEEP_DATADIR) + "/portsweep-services");
  paths.push_back(std::string(PORTSWEEP_SOURCE_DATADIR) + "/portsweep-services");
  return paths;
}

ServicesDb ServicesDb::load(const std::string& datadir) {
  return load_file(first_data_file(search_path(datadir), "services"));
}

ServicesDb ServicesDb::load_file(const std::string& path) {
  std::string text = read_data_file(path, "services");
  std::istringstream in(std::move(text));
  return parse(in, path);
}

ServicesDb ServicesDb::parse(std::istream& in, std::string source) {
  ServicesDb db;
  db.source_ = std::move(source);
  std::string line;
  while (std::getline(in, line)) {
    std::string_view view(line);
    size_t first = view.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || view[first] == '#') continue;
    if (std::optional<ServiceEntry> entry = parse_line(view)) {
      db.entries_.push_back(std::move(*entry));
    } else {
      ++db.skipped_lines_;
    }
  }
  std::stable_sort(db.entries_.begin(), db.entries_.end(), by_proto_port);
  auto duplicate = [](const ServiceEntry& a, const ServiceEntry& b) {
    return a.proto == b.proto && a.port == b.port;
  };
  db.entries_.erase(std::unique(db.entries_.begin(), db.entries_.end(), duplicate), db.entries_.end());

  for (uint32_t i = 0; i < db.entries_.size(); ++i) {
    db.by_frequency_[port_table_index(db.entries_[i].proto)].push_back(i);
  }
  for (std::vector<uint32_t>& order : db.by_frequency_) {
    // Entries are already in port order, so a stable sort breaks ties by port.
    std::stable_sort(order.begin(), order.end(), [&db](uint32_t a, uint32_t b) {
      return db.entries_[a].frequency > db.entries_[b].frequency;
    });
  }
  return db;
}

std::optional<std::string_view> ServicesDb::name_of(uint16_t port, Proto proto) const {
  ServiceEntry key;
  key.port = port;
  key.proto = proto;
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key, by_proto_port);
  if (it == entries_.end() || it->proto != proto || it->port != port) return std::nullopt;
  return std::string_view(it->name);
}

std::vector<uint16_t> ServicesDb::ports_named(std::string_view pattern, Proto proto) const {
  std::vector<uint16_t> ports;
  for (const ServiceEntry& e : entries_) {
    if (e.proto == proto && service_name_matches(pattern, e.name)) ports.push_back(e.port);
  }
  return ports;
}

std::vector<uint16_t> ServicesDb::top_ports(Proto proto, size_t count, const PortFilter& allowed) const {
  std::vector<uint16_t> ports;
  for (uint32_t i : by_frequency_[port_table_index(proto)]) {
    if (ports.size() >= count) break;
    if (!allowed || allowed(entries_[i].port)) ports.push_back(entries_[i].port);
  }
  return ports;
}

std::vector<uint16_t> ServicesDb::ports_with_ratio(Proto proto, double min_frequency,
                                                   const PortFilter& allowed) const {
  std::vector<uint16_t> ports;
  for (uint32_t i : by_frequency_[port_table_index(proto)]) {
    if (entries_[i].frequency < min_frequency) break;
    if (!allowed || allowed(entries_[i].port)) ports.push_back(entries_[i].port);
  }
  return ports;
}

}  // namespace portsweep
