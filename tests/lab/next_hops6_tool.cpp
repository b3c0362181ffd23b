// portsweep-next-hops -6: the IPv6 next-hop resolver (io/next_hop_plan6.hpp)
// on a target list, one fact a line, like the IPv4 mode (next_hops_tool.cpp).
//
//   portsweep-next-hops -6 [-e IFACE] [-S ADDR] [--nd-rate PPS] [--nd-retries N]
//                          [--nd-interval MS] [--max-on-link N] [--hosts] [--mac-of ADDR]...
//                          [--repeat N] TARGET...
// A target is ADDR, ADDR/LEN (LEN >= 64) or ADDR-ADDR.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "io/next_hop_plan6.hpp"
#include "portsweep/ip_address.hpp"

namespace portsweep {

const char* hop_kind_name(HopKind kind, Unroutable why);

namespace {

[[noreturn]] void usage6(const std::string& why) {
  std::cerr << "portsweep-next-hops: " << why
            << "\nusage: portsweep-next-hops -6 [-e IFACE] [-S ADDR] [--nd-rate PPS] [--nd-retries N] "
               "[--nd-interval MS] [--max-on-link N] [--hosts] [--mac-of ADDR]... [--repeat N] TARGET...\n";
  std::exit(2);
}

u128 address6(const std::string& text) {
  auto a = IpAddress::parse(text);
  if (!a || a->is_v4()) usage6("\"" + text + "\" is not an IPv6 address");
  return a->value();
}

std::string text(u128 a) { return IpAddress::v6(a).to_string(); }

NextHopRange6 parse_range(const std::string& spec) {
  if (auto slash = spec.find('/'); slash != std::string::npos) {
    const u128 base = address6(spec.substr(0, slash));
    const int len = std::stoi(spec.substr(slash + 1));
    if (len < 64 || len > 128) usage6("prefix length in \"" + spec + "\" must be 64..128");
    const u128 host = len == 128 ? 0 : (~u128{0} >> len);
    return {base & ~host, base | host};
  }
  if (auto dash = spec.find('-'); dash != std::string::npos) {
    return {address6(spec.substr(0, dash)), address6(spec.substr(dash + 1))};
  }
  const u128 a = address6(spec);
  return {a, a};
}

}  // namespace

int run6(int argc, char** argv) {
  NextHopRequest6 request;
  std::vector<NextHopRange6> ranges;
  std::vector<u128> mac_of;
  bool hosts = false;
  int repeat = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage6(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "-6") {
      continue;
    } else if (arg == "-e") {
      request.iface = value();
    } else if (arg == "-S") {
      request.src_ip = address6(value());
    } else if (arg == "--nd-rate") {
      request.nd.rate_pps = std::stod(value());
    } else if (arg == "--nd-retries") {
      request.nd.retries = static_cast<unsigned>(std::stoul(value()));
    } else if (arg == "--nd-interval") {
      request.nd.retry_interval = std::chrono::milliseconds(std::stol(value()));
    } else if (arg == "--max-on-link") {
      request.max_on_link_targets = std::stoull(value());
    } else if (arg == "--hosts") {
      hosts = true;
    } else if (arg == "--mac-of") {
      mac_of.push_back(address6(value()));
    } else if (arg == "--repeat") {
      repeat = std::max(1, std::stoi(value()));
    } else if (!arg.empty() && arg[0] == '-') {
      usage6("unknown option " + arg);
    } else {
      ranges.push_back(parse_range(arg));
    }
  }
  if (ranges.empty()) usage6("no targets");
  // Sorted and merged, as a target set holds them.
  std::sort(ranges.begin(), ranges.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<NextHopRange6> merged;
  for (const auto& r : ranges) {
    if (!merged.empty() && merged.back().last != ~u128{0} && r.first <= merged.back().last + 1) {
      merged.back().last = std::max(merged.back().last, r.last);
    } else {
      merged.push_back(r);
    }
  }
  request.targets = merged;

  std::vector<double> totals;
  NextHopPlan6 plan;
  for (int r = 0; r < repeat; ++r) {
    plan = resolve_next_hops6(request);
    totals.push_back(plan.counts().total_ms);
  }
  std::sort(totals.begin(), totals.end());

  const ScanPath6& p = plan.path();
  std::printf("interface %s src %s mac %s\n", p.iface.c_str(), text(p.src_ip).c_str(), p.src_mac.to_string().c_str());
  std::printf("plan %s segments %zu lookup_bytes %zu\n", plan.uniform() ? "uniform" : "segmented",
              plan.segments().size(), plan.lookup_bytes());
  for (const auto& s : plan.segments()) {
    std::printf("segment first %s index %llu count %llu %s", text(s.first_address).c_str(),
                static_cast<unsigned long long>(s.first_index), static_cast<unsigned long long>(s.count),
                hop_kind_name(s.kind, s.why));
    if (s.kind == HopKind::Gateway) std::printf(" %s", text(s.gateway).c_str());
    if (s.kind == HopKind::OnLink) std::printf(" %s/%u", text(s.prefix).c_str(), s.prefix_len);
    std::printf("\n");
  }
  const auto& c = plan.counts();
  std::printf("counts targets %llu via_gateway %llu on_link %llu answered %llu known %llu silent %llu "
              "unroutable %llu gateways %u\n",
              static_cast<unsigned long long>(c.targets), static_cast<unsigned long long>(c.via_gateway),
              static_cast<unsigned long long>(c.on_link), static_cast<unsigned long long>(c.on_link_answered),
              static_cast<unsigned long long>(c.on_link_known), static_cast<unsigned long long>(c.on_link_silent),
              static_cast<unsigned long long>(c.unroutable), c.gateways);
  const auto& n = c.nd;
  std::printf("nd solicitations %llu replies %llu duplicate %llu conflicting %llu solicitations_seen %llu "
              "unsolicited %llu unasked %llu not_for_us %llu other %llu timed_out %d\n",
              static_cast<unsigned long long>(n.solicitations_sent), static_cast<unsigned long long>(n.replies),
              static_cast<unsigned long long>(n.duplicate_replies),
              static_cast<unsigned long long>(n.conflicting_replies),
              static_cast<unsigned long long>(n.ignored_solicitations),
              static_cast<unsigned long long>(n.ignored_unsolicited),
              static_cast<unsigned long long>(n.ignored_unasked),
              static_cast<unsigned long long>(n.ignored_not_for_us),
              static_cast<unsigned long long>(n.ignored_other), n.timed_out ? 1 : 0);
  if (hosts) {
    const auto& found = plan.on_link_hosts();
    size_t next = 0;
    for (const auto& s : plan.segments()) {
      if (s.kind != HopKind::OnLink) continue;
      for (uint64_t i = s.first_index; i < s.first_index + s.count; ++i) {
        const u128 addr = target_at6(merged, i);
        while (next < found.size() && found[next].target_index < i) ++next;
        if (next < found.size() && found[next].target_index == i) {
          const auto& h = found[next];
          if (h.source == OnLinkHost::Source::ArpReply) {
            std::printf("host %s %s nd-response latency_us %u reply_time_us %lld\n", text(addr).c_str(),
                        h.mac.to_string().c_str(), h.latency_us, static_cast<long long>(h.reply_time_us));
          } else {
            std::printf("host %s %s neighbour-table\n", text(addr).c_str(), h.mac.to_string().c_str());
          }
        } else {
          std::printf("host %s silent\n", text(addr).c_str());
        }
      }
    }
  }
  for (u128 addr : mac_of) {
    std::optional<uint64_t> index;
    uint64_t base = 0;
    for (const auto& r : merged) {
      if (addr >= r.first && addr <= r.last) index = base + static_cast<uint64_t>(addr - r.first);
      base += static_cast<uint64_t>(r.last - r.first + 1);
    }
    const MacAddr* mac = index ? plan.mac_for(*index) : nullptr;
    std::printf("mac-of %s %s\n", text(addr).c_str(),
                mac ? mac->to_string().c_str() : (index ? "none" : "not-a-target"));
  }
  for (const auto& w : plan.warnings()) std::printf("warning %s\n", w.c_str());
  std::printf("time split_us %.1f nd_ms %.3f total_ms %.3f (min of %d) median_ms %.3f\n", c.route_split_us,
              c.nd_ms, totals.front(), repeat, totals[totals.size() / 2]);
  return 0;
}

}  // namespace portsweep
