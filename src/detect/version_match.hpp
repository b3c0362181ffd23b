#pragma once
// One `match` or `softmatch` line of an nmap-service-probes file: the service
// it names, its regular expression (compiled once with PCRE2, JIT when the
// CPU allows) and the templates of the version fields it fills in from the
// expression's captures.
#include <array>
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
  std::vector<std::string> cpe;  // "cpe:/a:openbsd:openssh:9.2p1", in file order
  bool soft = false;       // a softmatch: the service is known, the rest may be empty
  size_t line = 0;         // the match/softmatch line that produced it (for tracing)
};

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
  // pattern: the result is !ok() and error() says why, so a file with a few
  // expressions PCRE2 rejects still loads.
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
  std::vector<Cpe> cpes;

  // Compiles the pattern now (load time) unless it already is.
  void compile(bool jit = true);
  bool compiled() const { return compiled_; }
  // False when PCRE2 rejected the pattern; such a line never matches.
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
