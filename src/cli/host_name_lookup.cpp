#include "cli/host_name_lookup.hpp"

#include "output/output_set.hpp"

#include <chrono>
#include <cstdio>
#include <ostream>

#include "common/error.hpp"
#include "common/message_text.hpp"
#include "dns/dns_servers.hpp"
#include "dns/reverse_resolver.hpp"

namespace portsweep {

namespace {

class TargetHostNames final : public HostNameSource {
 public:
  TargetHostNames(std::vector<NamedAddress> typed, std::unique_ptr<ReverseResolver> resolver, std::ostream* log)
      : typed_(std::move(typed)), resolver_(std::move(resolver)), log_(log) {}

  void host_found(uint32_t ip) override {
    if (resolver_) resolver_->lookup(ip);
  }

  void settle() override {
    if (!resolver_) return;
    resolver_->finish(std::chrono::milliseconds(kReverseDnsSettleMs));
    if (log_ == nullptr) return;
    const ResolverStats st = resolver_->stats();
    char waited[32];
    std::snprintf(waited, sizeof waited, "%.2f", st.waited_s);
    *log_ << "portsweep: reverse DNS: " << st.started << " lookups, " << st.named << " named, " << st.given_up
          << " given up; waited " << waited << " s after the scan\n";
  }

  HostNames names_of(uint32_t ip) const override {
    HostNames n;
    const IpAddress address = IpAddress::v4(ip);
    auto it = std::lower_bound(typed_.begin(), typed_.end(), address,
                               [](const NamedAddress& a, const IpAddress& b) { return a.address < b; });
    if (it != typed_.end() && it->address == address) {
      n.user = it->name;
      for (const IpAddress& other : it->others)
        if (other.is_v4()) n.user_others.push_back(other.v4_value());
    }
    if (resolver_) n.ptr = resolver_->names().find(ip);
    return n;
  }

  ReverseResolver* resolver() { return resolver_.get(); }

 private:
  std::vector<NamedAddress> typed_;  // sorted by address (Targets::names)
  std::unique_ptr<ReverseResolver> resolver_;
  std::ostream* log_;  // -v's summary line; null: none
};

}  // namespace

std::shared_ptr<HostNameSource> make_host_names(const ScanOptions& o, const Targets& targets, std::ostream* log) {
  std::unique_ptr<ReverseResolver> resolver;
  if (!o.no_dns) {
    ResolverOptions r;
    r.system = o.system_dns;
    if (!o.dns_servers.empty()) r.servers = parse_dns_servers(o.dns_servers);
    resolver = make_reverse_resolver(r);
    // -R: every target, up or not, from the start.
    if (o.always_resolve) {
      for (uint64_t i = 0; i < targets.addresses.size(); ++i) resolver->lookup(targets.addresses.at(i));
    }
  }
  return std::make_shared<TargetHostNames>(targets.names, std::move(resolver), o.verbose > 0 ? log : nullptr);
}

void report_unresolved(const Targets& targets, std::ostream& err) {
  if (targets.addresses.empty() && !targets.unresolved.empty()) {
    std::string names;
    for (const std::string& n : targets.unresolved) names += (names.empty() ? "\"" : ", \"") + n + "\"";
    throw UsageError("failed to resolve " + names + ": no target is left to scan");
  }
  for (const std::string& name : targets.unresolved) print_message_line(err, "", "Failed to resolve \"" + name + "\".");
}

void log_unresolved(const Targets& targets, OutputSet& outputs) {
  for (const std::string& name : targets.unresolved) outputs.on_message("Failed to resolve \"" + name + "\".");
}

}  // namespace portsweep
