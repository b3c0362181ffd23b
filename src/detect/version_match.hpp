#pragma once
// One `match` or `softmatch` line of an nmap-service-probes file: the service
// it names, its regular expression (compiled once with PCRE2, JIT when the
// CPU allows) and the templates of the version fields it fills in from the
// expression's captures.
#include <array>
#include <bitset>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portsweep {

// What a response says about the service behind a port, as nmap -sV reports it.
struct ServiceMatch {
  std::string service;     // "ssh", "http", "ftp", …
  std::string product;     // p/…/
  std::string version;     // v/…/
  std::string info;        // i/…/  (nmap prints it in parentheses)
  std::string hostname;    // h/…/
  std::string ostype;      // o/…/
  std::string devicetype;  // d/…/
  // "cpe:/a:openbsd:openssh:9.2p1": at most one per part, in a, h, o order,
  // the last of each part on the line (what nmap prints).
  std::vector<std::string> cpe;
  bool soft = false;       // a softmatch: the service is known, the rest may be empty
  size_t line = 0;         // the match/softmatch line that produced it (for tracing)
};

// What nmap reports when a softmatch came first and a later probe hard-matched:
// the hard match, with any field it leaves empty taken from the softmatch (a
// banner's softmatch often names the host, the later match the product), and
// the softmatch's CPEs for the parts (a/h/o) the hard match has none of.
ServiceMatch combine_with_softmatch(const ServiceMatch& soft, ServiceMatch hard);

// The version fields of a match line, in the order nmap documents them.
enum class VersionField : unsigned { Product, Version, Info, Hostname, OsType, DeviceType };
inline constexpr size_t kVersionFieldCount = 6;

// A compiled regular expression. Opaque so that PCRE2's header stays out of
// every file that includes this one. Immutable after construction, so one
// instance may be matched from many threads at once.
class CompiledRegex {
 public:
  struct Impl;
  CompiledRegex();
  CompiledRegex(CompiledRegex&&) noexcept;
  CompiledRegex& operator=(CompiledRegex&&) noexcept;
  ~CompiledRegex();

  // Compiles `pattern` (Perl syntax, bytes not UTF-8). Never throws for a bad
  // pattern: the result is !ok() and error() says why (the probes file
  // reader then refuses the file at that line).
  static CompiledRegex compile(std::string_view pattern, bool caseless, bool dotall, bool jit);

  bool ok() const;
  bool jitted() const;
  const std::string& error() const;
  // Number of capture groups in the expression.
  unsigned captures() const;

  // Spans of the whole match and of captures 1..9 (empty optional: the group
  // did not take part). nullopt when there is no match or the match hit
  // PCRE2's backtracking limit.
  using Groups = std::array<std::optional<std::string_view>, 10>;
  std::optional<Groups> match(std::string_view subject) const;
  // Cheaper test when the captures are not needed.
  bool matches(std::string_view subject) const;

  // What PCRE2's own analysis says about where a match can begin. Most of
  // nmap's patterns are anchored and start with a known byte; checking that
  // byte against a compact index is far cheaper than calling PCRE2 thousands
  // of times per response just to fail on the first byte.
  struct Start {
    bool anchored = false;       // can match only at offset 0
    bool first_known = false;    // `first` lists every byte a match can begin with
    std::bitset<256> first;
  };
  Start start() const;

 private:
  std::unique_ptr<Impl> impl_;
};

class VersionMatch {
 public:
  std::string service;
  bool soft = false;
  size_t line = 0;          // line in the file it came from
  std::string pattern;      // the expression as written between the delimiters
  bool caseless = false;    // flag i
  bool dotall = false;      // flag s
  // Templates as written (e.g. "$2 Debian $3"); empty when absent.
  std::array<std::string, kVersionFieldCount> fields;
  struct Cpe {
    std::string templ;      // "a:openbsd:openssh:$2" (the "cpe:/" is added on output)
    bool a_flag = false;    // the trailing 'a' nmap allows after the closing delimiter
  };
  std::vector<Cpe> cpes;   // as written; fill() reduces them to nmap's one per part

  // Compiles the pattern now (load time) unless it already is.
  void compile(bool jit = true);
  bool compiled() const { return compiled_; }
  // False when PCRE2 rejected the pattern (a loaded database has none; such
  // a line would never match).
  bool usable() const { return regex_.ok(); }
  const CompiledRegex& regex() const { return regex_; }

  // Fills in a ServiceMatch when the pattern matches `response`. Requires
  // compile() first. Thread-safe.
  std::optional<ServiceMatch> apply(std::string_view response) const;
  // The fields only, from captures already found (used by the prefilter path).
  ServiceMatch fill(const CompiledRegex::Groups& groups) const;

 private:
  CompiledRegex regex_;
  bool compiled_ = false;
};

}  // namespace portsweep
