#include "detect/version_match.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <stdexcept>

#include "detect/version_match_template.hpp"

namespace portsweep {

struct CompiledRegex::Impl {
  pcre2_code* code = nullptr;
  bool jit = false;
  unsigned captures = 0;
  std::string error;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() { pcre2_code_free(code); }
};

namespace {

// nmap bounds backtracking so one pathological pattern cannot stall a scan on
// a long response; the same bound here (PCRE2's default is 10 million).
constexpr uint32_t kMatchLimit = 100000;

// Per-thread match state: match data (room for the whole match and nine
// captures, which is all a template can name), a match context carrying the
// limit, and a JIT stack larger than PCRE2's 32 KiB default so patterns with
// nested repeats do not fail with a stack-limit error.
class MatchScratch {
 public:
  MatchScratch()
      : data_(pcre2_match_data_create(10, nullptr)),
        context_(pcre2_match_context_create(nullptr)),
        stack_(pcre2_jit_stack_create(32 * 1024, 1024 * 1024, nullptr)) {
    if (data_ == nullptr || context_ == nullptr) throw std::bad_alloc();
    pcre2_set_match_limit(context_, kMatchLimit);
    if (stack_ != nullptr) pcre2_jit_stack_assign(context_, nullptr, stack_);
  }
  MatchScratch(const MatchScratch&) = delete;
  MatchScratch& operator=(const MatchScratch&) = delete;
  ~MatchScratch() {
    pcre2_jit_stack_free(stack_);
    pcre2_match_context_free(context_);
    pcre2_match_data_free(data_);
  }

  pcre2_match_data* data() { return data_; }
  pcre2_match_context* context() { return context_; }

 private:
  pcre2_match_data* data_;
  pcre2_match_context* context_;
  pcre2_jit_stack* stack_;
};

MatchScratch& scratch() {
  thread_local MatchScratch s;
  return s;
}

// > 0: matched; 0: matched but the ovector was too small (still a match, the
// first ten pairs are set); < 0: no match or an error such as the limit.
int run(const CompiledRegex::Impl& impl, std::string_view subject) {
  MatchScratch& s = scratch();
  auto* bytes = reinterpret_cast<PCRE2_SPTR>(subject.data());
  if (impl.jit) {
    return pcre2_jit_match(impl.code, bytes, subject.size(), 0, 0, s.data(), s.context());
  }
  return pcre2_match(impl.code, bytes, subject.size(), 0, 0, s.data(), s.context());
}

}  // namespace

CompiledRegex::CompiledRegex() = default;
CompiledRegex::CompiledRegex(CompiledRegex&&) noexcept = default;
CompiledRegex& CompiledRegex::operator=(CompiledRegex&&) noexcept = default;
CompiledRegex::~CompiledRegex() = default;

CompiledRegex CompiledRegex::compile(std::string_view pattern, bool caseless, bool dotall, bool jit) {
  CompiledRegex re;
  re.impl_ = std::make_unique<Impl>();
  uint32_t options = 0;
  if (caseless) options |= PCRE2_CASELESS;
  if (dotall) options |= PCRE2_DOTALL;
  int code = 0;
  PCRE2_SIZE offset = 0;
  re.impl_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options,
                                 &code, &offset, nullptr);
  if (re.impl_->code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(code, message, sizeof message);
    re.impl_->error = reinterpret_cast<const char*>(message);
    re.impl_->error += " at offset " + std::to_string(offset);
    return re;
  }
  uint32_t count = 0;
  pcre2_pattern_info(re.impl_->code, PCRE2_INFO_CAPTURECOUNT, &count);
  re.impl_->captures = count;
  // JIT can fail (no executable memory, an unsupported CPU); the interpreter
  // still gives the same answers, only slower.
  if (jit && pcre2_jit_compile(re.impl_->code, PCRE2_JIT_COMPLETE) == 0) re.impl_->jit = true;
  return re;
}

bool CompiledRegex::ok() const { return impl_ && impl_->code != nullptr; }
bool CompiledRegex::jitted() const { return impl_ && impl_->jit; }
unsigned CompiledRegex::captures() const { return impl_ ? impl_->captures : 0; }

const std::string& CompiledRegex::error() const {
  static const std::string not_compiled = "not compiled";
  return impl_ ? impl_->error : not_compiled;
}

bool CompiledRegex::matches(std::string_view subject) const {
  return ok() && run(*impl_, subject) >= 0;
}

std::optional<CompiledRegex::Groups> CompiledRegex::match(std::string_view subject) const {
  if (!ok()) return std::nullopt;
  int rc = run(*impl_, subject);
  if (rc < 0) return std::nullopt;
  const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(scratch().data());
  Groups groups;
  // rc == 0 means more groups matched than the ovector holds: all ten are set.
  size_t set = rc == 0 ? groups.size() : std::min<size_t>(static_cast<size_t>(rc), groups.size());
  for (size_t g = 0; g < set; ++g) {
    PCRE2_SIZE begin = ovector[2 * g];
    PCRE2_SIZE end = ovector[2 * g + 1];
    if (begin == PCRE2_UNSET || end < begin) continue;
    groups[g] = subject.substr(begin, end - begin);
  }
  return groups;
}

CompiledRegex::Start CompiledRegex::start() const {
  Start s;
  if (!ok()) return s;
  uint32_t options = 0;
  pcre2_pattern_info(impl_->code, PCRE2_INFO_ALLOPTIONS, &options);
  // PCRE2 sets PCRE2_ANCHORED here for patterns it proves anchored (a leading
  // ^ without multiline, \A, a leading .* under dotall).
  s.anchored = (options & PCRE2_ANCHORED) != 0;
  uint32_t type = 0;
  pcre2_pattern_info(impl_->code, PCRE2_INFO_FIRSTCODETYPE, &type);
  if (type == 1) {
    uint32_t unit = 0;
    pcre2_pattern_info(impl_->code, PCRE2_INFO_FIRSTCODEUNIT, &unit);
    s.first_known = true;
    s.first.set(unit & 0xff);
    // The reported unit does not say whether it is caseless; allowing the
    // other case too is safe (a superset only costs a PCRE2 call).
    if ((options & PCRE2_CASELESS) != 0) {
      if (unit >= 'a' && unit <= 'z') s.first.set(unit - 'a' + 'A');
      if (unit >= 'A' && unit <= 'Z') s.first.set(unit - 'A' + 'a');
    }
    return s;
  }
  const uint8_t* bitmap = nullptr;
  pcre2_pattern_info(impl_->code, PCRE2_INFO_FIRSTBITMAP, &bitmap);
  if (type == 0 && bitmap != nullptr) {
    s.first_known = true;
    for (unsigned b = 0; b < 256; ++b) {
      if ((bitmap[b / 8] >> (b % 8)) & 1) s.first.set(b);
    }
  }
  return s;
}

void VersionMatch::compile(bool jit) {
  if (compiled_) return;
  regex_ = CompiledRegex::compile(pattern, caseless, dotall, jit);
  compiled_ = true;
}

ServiceMatch VersionMatch::fill(const CompiledRegex::Groups& groups) const {
  ServiceMatch m;
  m.service = service;
  m.soft = soft;
  m.line = line;
  // Same order as VersionField.
  std::string* out[kVersionFieldCount] = {&m.product,  &m.version, &m.info,
                                          &m.hostname, &m.ostype,  &m.devicetype};
  for (size_t f = 0; f < kVersionFieldCount; ++f) {
    if (!fields[f].empty()) *out[f] = expand_version_template(fields[f], groups);
  }
  // nmap keeps one CPE per part (application, hardware, OS): a later cpe: of
  // the same part replaces an earlier one, and they print in a, h, o order.
  const Cpe* by_part[3] = {nullptr, nullptr, nullptr};
  for (const Cpe& cpe : cpes) {
    static constexpr std::string_view kParts = "aho";
    size_t part = cpe.templ.empty() ? std::string_view::npos : kParts.find(cpe.templ[0]);
    if (part != std::string_view::npos) by_part[part] = &cpe;
  }
  for (const Cpe* cpe : by_part) {
    if (cpe != nullptr) m.cpe.push_back("cpe:/" + expand_version_template(cpe->templ, groups));
  }
  return m;
}

ServiceMatch combine_with_softmatch(const ServiceMatch& soft, ServiceMatch hard) {
  auto keep = [](std::string& mine, const std::string& theirs) {
    if (mine.empty()) mine = theirs;
  };
  keep(hard.product, soft.product);
  keep(hard.version, soft.version);
  keep(hard.info, soft.info);
  keep(hard.hostname, soft.hostname);
  keep(hard.ostype, soft.ostype);
  keep(hard.devicetype, soft.devicetype);
  // "cpe:/a:…": the part letter sits right after the prefix.
  auto part = [](const std::string& cpe) { return cpe.size() > 5 ? cpe[5] : '\0'; };
  std::vector<std::string> extra;
  for (const std::string& c : soft.cpe) {
    bool covered = std::any_of(hard.cpe.begin(), hard.cpe.end(),
                               [&](const std::string& h) { return part(h) == part(c); });
    if (!covered) extra.push_back(c);
  }
  hard.cpe.insert(hard.cpe.end(), extra.begin(), extra.end());
  return hard;
}

std::optional<ServiceMatch> VersionMatch::apply(std::string_view response) const {
  std::optional<CompiledRegex::Groups> groups = regex_.match(response);
  if (!groups) return std::nullopt;
  return fill(*groups);
}

}  // namespace portsweep
