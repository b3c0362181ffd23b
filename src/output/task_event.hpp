#pragma once
// A stage of the scan starting or ending, as nmap reports its tasks with -v:
// "Initiating SYN Stealth Scan at 03:35" / "Completed ... (64 total ports)"
// on the terminal, <taskbegin>/<taskend> in XML.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "portsweep/ip_address.hpp"

namespace portsweep {

struct TaskEvent {
  std::string task;     // nmap's name: "Ping Scan", "SYN Stealth Scan", "Service scan", ...
  bool end = false;     // false: it begins
  int64_t time_us = 0;  // wall clock
  // At the beginning: what it covers, for "Scanning 74 hosts [8 ports/host]"
  // (the line is left out when hosts is 0, e.g. -sV's own wording below).
  uint64_t hosts = 0;
  std::optional<IpAddress> only_host;  // the one target, named instead of counted
  uint32_t ports_per_host = 0;
  std::string scanning;  // a line of its own instead: "Scanning 4 services on 2 hosts"
  // At the end: seconds since it began and what it did ("592 total ports").
  double elapsed_s = 0;
  std::string extrainfo;

  static TaskEvent begins(std::string task, int64_t time_us, uint64_t hosts, uint32_t ports_per_host) {
    TaskEvent t;
    t.task = std::move(task);
    t.time_us = time_us;
    t.hosts = hosts;
    t.ports_per_host = ports_per_host;
    return t;
  }
  static TaskEvent ends(std::string task, int64_t time_us, double elapsed_s, std::string extrainfo) {
    TaskEvent t;
    t.task = std::move(task);
    t.end = true;
    t.time_us = time_us;
    t.elapsed_s = elapsed_s;
    t.extrainfo = std::move(extrainfo);
    return t;
  }
};

}  // namespace portsweep
