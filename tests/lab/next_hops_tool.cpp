// portsweep-next-hops: runs the next-hop resolver (io/next_hop_plan.hpp) on
// a target list and prints what it found, one fact a line, for the lab test
// and for a developer looking at a network. A test tool: not installed.
// With -6 the targets are IPv6 and the IPv6 resolver runs (next_hops6_tool.cpp).
//
//   portsweep-next-hops [-e IFACE] [-S ADDR] [--arp-rate PPS] [--arp-retries N]
//                       [--arp-interval MS] [--max-on-link N] [--hosts] [--mac-of ADDR]...
//                       [--repeat N] TARGET...
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "io/next_hop_plan.hpp"
#include "targets/ipv4.hpp"
#include "targets/target_input.hpp"

namespace portsweep {

int run6(int argc, char** argv);  // next_hops6_tool.cpp: the -6 mode
const char* hop_kind_name(HopKind kind, Unroutable why);  // shared with it

const char* hop_kind_name(HopKind kind, Unroutable why) {
  switch (kind) {
    case HopKind::Gateway: return "gateway";
    case HopKind::OnLink: return "onlink";
    case HopKind::Unroutable: break;
  }
  switch (why) {
    case Unroutable::NoRoute: return "unroutable no-route";
    case Unroutable::RejectRoute: return "unroutable reject-route";
    case Unroutable::OtherInterface: return "unroutable other-interface";
    case Unroutable::LocalAddress: return "unroutable local-address";
    case Unroutable::Multipath: return "unroutable multipath";
    case Unroutable::None: break;
  }
  return "unroutable";
}

namespace {

const char* kind_name(const RouteSegment& s) { return hop_kind_name(s.kind, s.why); }

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "portsweep-next-hops: " << why
            << "\nusage: portsweep-next-hops [-e IFACE] [-S ADDR] [--arp-rate PPS] "
               "[--arp-retries N] [--arp-interval MS] [--max-on-link N] [--hosts] [--mac-of ADDR]... "
               "[--repeat N] TARGET...\n";
  std::exit(2);
}

int run(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "-6") return run6(argc, argv);
  }
  NextHopRequest request;
  TargetOptions target_options;
  std::vector<uint32_t> mac_of;
  bool hosts = false;
  int repeat = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(arg + " needs a value");
      return argv[++i];
    };
    auto address = [&](const std::string& text) {
      auto a = parse_ipv4(text);
      if (!a) usage("\"" + text + "\" is not an IPv4 address");
      return *a;
    };
    if (arg == "-e") {
      request.iface = value();
    } else if (arg == "-S") {
      request.src_ip = address(value());
    } else if (arg == "--arp-rate") {
      request.arp.rate_pps = std::stod(value());
    } else if (arg == "--arp-retries") {
      request.arp.retries = static_cast<unsigned>(std::stoul(value()));
    } else if (arg == "--arp-interval") {
      request.arp.retry_interval = std::chrono::milliseconds(std::stol(value()));
    } else if (arg == "--max-on-link") {
      request.max_on_link_targets = std::stoull(value());
    } else if (arg == "--hosts") {
      hosts = true;
    } else if (arg == "--mac-of") {
      mac_of.push_back(address(value()));
    } else if (arg == "--repeat") {
      repeat = std::max(1, std::stoi(value()));
    } else if (!arg.empty() && arg[0] == '-') {
      usage("unknown option " + arg);
    } else {
      target_options.specs.push_back(arg);
    }
  }
  if (target_options.specs.empty()) usage("no targets");
  const Targets targets = resolve_targets(target_options);
  request.targets = &targets.addresses;

  std::vector<double> totals;
  NextHopPlan plan;
  for (int r = 0; r < repeat; ++r) {
    plan = resolve_next_hops(request);
    totals.push_back(plan.counts().total_ms);
  }
  std::sort(totals.begin(), totals.end());

  const ScanPath& p = plan.path();
  std::printf("interface %s src %s mac %s\n", p.iface.c_str(), format_ipv4(p.src_ip).c_str(),
              p.src_mac.to_string().c_str());
  std::printf("plan %s segments %zu lookup_bytes %zu\n",
              plan.kind() == NextHopPlan::Kind::Uniform ? "uniform" : "segmented",
              plan.segments().size(), plan.lookup_bytes());
  for (const auto& s : plan.segments()) {
    std::printf("segment first %s index %llu count %llu %s", format_ipv4(s.first_address).c_str(),
                static_cast<unsigned long long>(s.first_index),
                static_cast<unsigned long long>(s.count), kind_name(s));
    if (s.kind == HopKind::Gateway) std::printf(" %s", format_ipv4(s.gateway).c_str());
    if (s.kind == HopKind::OnLink) std::printf(" %s/%u", format_ipv4(s.prefix).c_str(), s.prefix_len);
    std::printf("\n");
  }
  const auto& c = plan.counts();
  std::printf("counts targets %llu via_gateway %llu on_link %llu answered %llu known %llu "
              "silent %llu not_asked %llu unroutable %llu gateways %u\n",
              static_cast<unsigned long long>(c.targets),
              static_cast<unsigned long long>(c.via_gateway),
              static_cast<unsigned long long>(c.on_link),
              static_cast<unsigned long long>(c.on_link_answered),
              static_cast<unsigned long long>(c.on_link_known),
              static_cast<unsigned long long>(c.on_link_silent),
              static_cast<unsigned long long>(c.on_link_not_asked),
              static_cast<unsigned long long>(c.unroutable), c.gateways);
  const auto& a = c.arp;
  std::printf("arp requests %llu replies %llu duplicate %llu conflicting %llu gratuitous %llu "
              "requests_seen %llu unasked %llu unsolicited %llu not_for_us %llu other %llu "
              "timed_out %d\n",
              static_cast<unsigned long long>(a.requests_sent),
              static_cast<unsigned long long>(a.replies),
              static_cast<unsigned long long>(a.duplicate_replies),
              static_cast<unsigned long long>(a.conflicting_replies),
              static_cast<unsigned long long>(a.ignored_gratuitous),
              static_cast<unsigned long long>(a.ignored_requests),
              static_cast<unsigned long long>(a.ignored_unasked),
              static_cast<unsigned long long>(a.ignored_unsolicited),
              static_cast<unsigned long long>(a.ignored_not_for_us),
              static_cast<unsigned long long>(a.ignored_other), a.timed_out ? 1 : 0);
  if (hosts) {
    // Every on-link target, in index order, with what the plan knows of it.
    const auto& found = plan.on_link_hosts();
    size_t next = 0;
    for (const auto& s : plan.segments()) {
      if (s.kind != HopKind::OnLink) continue;
      for (uint64_t i = s.first_index; i < s.first_index + s.count; ++i) {
        const uint32_t addr = targets.addresses.at(i);
        while (next < found.size() && found[next].target_index < i) ++next;
        if (next < found.size() && found[next].target_index == i) {
          const auto& h = found[next];
          if (h.source == OnLinkHost::Source::ArpReply) {
            std::printf("host %s %s arp-response latency_us %u reply_time_us %lld\n",
                        format_ipv4(addr).c_str(), h.mac.to_string().c_str(), h.latency_us,
                        static_cast<long long>(h.reply_time_us));
          } else {
            std::printf("host %s %s neighbour-table\n", format_ipv4(addr).c_str(),
                        h.mac.to_string().c_str());
          }
        } else {
          std::printf("host %s %s\n", format_ipv4(addr).c_str(),
                      plan.was_asked(i) ? "silent" : "not-asked");
        }
      }
    }
  }
  for (uint32_t addr : mac_of) {
    auto index = targets.addresses.index_of(addr);
    const MacAddr* mac = index ? plan.mac_for(*index) : nullptr;
    std::printf("mac-of %s %s\n", format_ipv4(addr).c_str(),
                mac ? mac->to_string().c_str() : (index ? "none" : "not-a-target"));
  }
  for (const auto& w : plan.warnings()) std::printf("warning %s\n", w.c_str());
  std::printf("time split_us %.1f arp_ms %.3f total_ms %.3f (min of %d) median_ms %.3f\n",
              c.route_split_us, c.arp_ms, totals.front(), repeat, totals[totals.size() / 2]);
  return 0;
}

}  // namespace
}  // namespace portsweep

int main(int argc, char** argv) {
  try {
    return portsweep::run(argc, argv);
  } catch (const portsweep::UsageError& e) {
    std::cerr << "portsweep-next-hops: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "portsweep-next-hops: " << e.what() << "\n";
    return 1;
  }
}
