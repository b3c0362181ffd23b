#include "detect/version_match_prefilter.hpp"

#if PORTSWEEP_HAVE_HYPERSCAN
#include <hs/hs.h>
#endif

#include <atomic>
#include <cstdint>
#include <new>
#include <string>
#include <unordered_set>

namespace portsweep {

#if PORTSWEEP_HAVE_HYPERSCAN

struct ProbePrefilter::Impl {
  hs_database_t* db = nullptr;
  uint64_t serial = 0;                // names this database in the per-thread scratch cache
  std::vector<unsigned> line_of_id;   // Hyperscan id -> index in the probe's matches
  std::vector<unsigned> always;       // lines Hyperscan would not take
  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() { hs_free_database(db); }
};

namespace {

unsigned flags_for(const VersionMatch& m) {
  // PREFILTER: accept constructs Hyperscan cannot run exactly (back-references,
  // lookarounds) by matching a superset. SINGLEMATCH: one report per line is
  // all we need. ALLOWEMPTY: a few lines can match the empty string.
  unsigned flags = HS_FLAG_PREFILTER | HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY;
  if (m.caseless) flags |= HS_FLAG_CASELESS;
  if (m.dotall) flags |= HS_FLAG_DOTALL;
  return flags;
}

bool compiles_alone(const std::string& pattern, unsigned flags) {
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile(pattern.c_str(), flags, HS_MODE_BLOCK, nullptr, &db, &error) != HS_SUCCESS) {
    hs_free_compile_error(error);
    return false;
  }
  hs_free_database(db);
  return true;
}

std::atomic<uint64_t> next_serial{1};

// One scratch per thread, grown to fit every database it has scanned with.
// hs_alloc_scratch() is far too slow to call per scan (it dominated a scan of
// the NULL probe's database), so each thread remembers which databases its
// scratch already fits, by serial number rather than by address, which a
// later database could reuse.
hs_scratch_t* scratch_for(const hs_database_t* db, uint64_t serial) {
  struct Holder {
    hs_scratch_t* scratch = nullptr;
    std::unordered_set<uint64_t> fitted;
    ~Holder() { hs_free_scratch(scratch); }
  };
  thread_local Holder holder;
  if (holder.fitted.count(serial) == 0) {
    if (hs_alloc_scratch(db, &holder.scratch) != HS_SUCCESS) throw std::bad_alloc();
    holder.fitted.insert(serial);
  }
  return holder.scratch;
}

struct ScanContext {
  const std::vector<unsigned>* line_of_id;
  std::vector<char>* candidates;
};

int on_match(unsigned id, unsigned long long, unsigned long long, unsigned, void* context) {
  auto* c = static_cast<ScanContext*>(context);
  (*c->candidates)[(*c->line_of_id)[id]] = 1;
  return 0;
}

}  // namespace

bool ProbePrefilter::available() { return true; }

std::unique_ptr<ProbePrefilter> ProbePrefilter::build(const std::vector<VersionMatch>& matches) {
  auto impl = std::make_unique<Impl>();
  std::vector<const char*> patterns;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  for (unsigned i = 0; i < matches.size(); ++i) {
    const VersionMatch& m = matches[i];
    if (!m.usable()) continue;  // PCRE2 rejected it: never a candidate
    unsigned f = flags_for(m);
    // A pattern that cannot be compiled would fail the whole database, so
    // each is tried alone first; the rejected ones stay PCRE2-only.
    if (m.pattern.find('\0') != std::string::npos || !compiles_alone(m.pattern, f)) {
      impl->always.push_back(i);
      continue;
    }
    patterns.push_back(m.pattern.c_str());
    flags.push_back(f);
    ids.push_back(static_cast<unsigned>(impl->line_of_id.size()));
    impl->line_of_id.push_back(i);
  }
  if (patterns.empty()) return nullptr;
  impl->serial = next_serial.fetch_add(1);
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(patterns.data(), flags.data(), ids.data(), static_cast<unsigned>(patterns.size()),
                       HS_MODE_BLOCK, nullptr, &impl->db, &error) != HS_SUCCESS) {
    hs_free_compile_error(error);
    return nullptr;
  }
  return std::unique_ptr<ProbePrefilter>(new ProbePrefilter(std::move(impl)));
}

void ProbePrefilter::scan(std::string_view response, std::vector<char>& candidates) const {
  for (unsigned i : impl_->always) candidates[i] = 1;
  hs_scratch_t* scratch = scratch_for(impl_->db, impl_->serial);
  ScanContext context{&impl_->line_of_id, &candidates};
  hs_error_t rc = hs_scan(impl_->db, response.data(), static_cast<unsigned>(response.size()), 0, scratch,
                          on_match, &context);
  if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) {
    // Should not happen; fall back to "everything is a candidate".
    for (unsigned line : impl_->line_of_id) candidates[line] = 1;
  }
}

size_t ProbePrefilter::accepted() const { return impl_->line_of_id.size(); }
size_t ProbePrefilter::rejected() const { return impl_->always.size(); }

#else  // no Hyperscan in this build

struct ProbePrefilter::Impl {};

bool ProbePrefilter::available() { return false; }
std::unique_ptr<ProbePrefilter> ProbePrefilter::build(const std::vector<VersionMatch>&) { return nullptr; }
void ProbePrefilter::scan(std::string_view, std::vector<char>&) const {}
size_t ProbePrefilter::accepted() const { return 0; }
size_t ProbePrefilter::rejected() const { return 0; }

#endif

ProbePrefilter::ProbePrefilter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ProbePrefilter::~ProbePrefilter() = default;

}  // namespace portsweep
