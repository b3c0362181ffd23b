#include "cli/nmap_args.hpp"

#include <algorithm>
#include <cctype>

#include "cli/unsupported_options.hpp"
#include "common/error.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {

const std::vector<NmapAlias>& nmap_aliases() {
  static const std::vector<NmapAlias> table = [] {
    std::vector<NmapAlias> t = {
      {"-sL", "--list-scan", false},       {"-sV", "--service-version", false},
      {"-Pn", "--skip-discovery", false},  {"-iL", "--input-list", true},
      {"-oN", "--output-normal", true},    {"-oX", "--output-xml", true},
      {"-oG", "--output-grepable", true},  {"-oJ", "--output-json", true},
      {"-oA", "--output-all", true},      {"-oS", "--output-skid", true},
      {"-sn", "--ping-scan", false},       {"-PE", "--icmp-echo-ping", false},
      {"-PP", "--icmp-timestamp-ping", false}, {"-PM", "--icmp-netmask-ping", false},
      {"-PR", "--arp-ping", false},
    };
    // Every scan type's flag comes from its probe module (-sS, -sA, -sU, ...).
    for (const ProbeModule* m : probe_modules())
      if (m->is_scan_type()) t.push_back({m->nmap_option, m->long_option, !m->option_argument.empty()});
    return t;
  }();
  return table;
}

std::optional<std::string_view> nmap_spelling(std::string_view long_name) {
  for (const auto& a : nmap_aliases())
    if (a.name == long_name) return a.nmap;
  static const std::vector<std::pair<std::string_view, std::string_view>> patterned = {
      {"--ports", "-p"}, {"--timing", "-T"}, {"--verbose", "-v"}, {"--debug", "-d"},
      {"--tcp-syn-ping", "-PS"}, {"--tcp-ack-ping", "-PA"}, {"--udp-ping", "-PU"},
      {"--ip-protocol-ping", "-PO"}};
  for (const auto& [name, nmap] : patterned)
    if (name == long_name) return nmap;
  return std::nullopt;
}

namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// "-vvv" or "-v3" -> that many --verbose flags; same for -d. nmap's levels
// stop mattering long before 10, and each level is one token here, so a
// larger count is refused rather than expanded.
constexpr int kMaxLevel = 10;

std::optional<int> repeat_count(std::string_view tok, char letter) {
  if (tok.size() < 2 || tok[0] != '-' || tok[1] != letter) return std::nullopt;
  std::string_view rest = tok.substr(2);
  if (rest.empty()) return 1;
  const bool digits = all_digits(rest);
  if (!digits && rest.find_first_not_of(letter) != std::string_view::npos) return std::nullopt;
  // Digits: at most two of them can be in range, so longer text never overflows.
  const int level = digits ? (rest.size() > 2 ? kMaxLevel + 1 : std::stoi(std::string(rest)))
                           : static_cast<int>(rest.size()) + 1;
  if (level > kMaxLevel) {
    const char* what = letter == 'v' ? "verbosity" : "debugging";
    throw UsageError("invalid " + std::string(tok) + ": " + what + " levels go from 0 to " +
                     std::to_string(kMaxLevel) + " (-" + letter + ", -" + letter + letter + ", ... or -" + letter +
                     "N)");
  }
  return level;
}

// nmap's scan types run together: -sSV is -sS -sV, -sSU is -sS -sU. Only
// when every letter is a scan option that takes no value (or one portsweep
// refuses by name, -sSC); anything else is left for the parser to name.
std::optional<std::vector<std::string>> split_scan_letters(std::string_view tok) {
  if (tok.size() < 4 || !tok.starts_with("-s")) return std::nullopt;
  std::vector<std::string> out;
  for (const char letter : tok.substr(2)) {
    const std::string one = std::string("-s") + letter;
    bool known = false;
    for (const auto& a : nmap_aliases())
      if (a.nmap == one && !a.takes_value) known = true;
    for (const auto& u : unsupported_options())
      if (u.spelling == one) known = true;
    if (!known) return std::nullopt;
    out.push_back(one);
  }
  return out;
}

// The parser's long names and the long options refused by name, sorted.
std::vector<std::string> known_long_names(const std::vector<std::string>& given) {
  std::vector<std::string> names = given;
  for (const UnsupportedOption& u : unsupported_options())
    if (u.spelling.starts_with("--")) names.emplace_back(u.spelling);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

// A spelling nmap gives one dash and some letters: -sS, -Pn, -oX, -iR, -sSV.
bool is_short_spelling(std::string_view tok) {
  for (const auto& a : nmap_aliases())
    if (a.nmap == tok) return true;
  for (const auto& u : unsupported_options())
    if (u.spelling == tok) return true;
  return split_scan_letters(tok).has_value();
}

// "-min-rate=100" -> "--min-rate=100" when "--min-rate" is a long option's
// exact name and "-min-rate" no short spelling.
std::optional<std::string> single_dash_long(const std::string& tok, const std::vector<std::string>& names) {
  if (tok.size() < 3 || tok[0] != '-' || tok[1] == '-') return std::nullopt;
  std::string long_form = "-";
  long_form += tok;
  const std::string_view name = std::string_view(long_form).substr(0, long_form.find('='));
  if (!std::binary_search(names.begin(), names.end(), name) || is_short_spelling(tok)) return std::nullopt;
  return long_form;
}

// "--max-ret" -> "--max-retries" when that is the one long name starting
// with it; an exact name is kept, a word no name starts with is left for the
// parser to name, and a prefix of several is refused naming them.
std::string expand_long_prefix(const std::string& tok, const std::vector<std::string>& names) {
  const size_t eq = tok.find('=');
  const std::string_view name = std::string_view(tok).substr(0, eq);
  if (name.size() <= 2 || std::binary_search(names.begin(), names.end(), name)) return tok;
  std::vector<std::string_view> candidates;
  for (const std::string& n : names)
    if (n.starts_with(name)) candidates.push_back(n);
  if (candidates.empty()) return tok;
  if (candidates.size() == 1) return std::string(candidates[0]) + (eq == std::string::npos ? "" : tok.substr(eq));
  std::string list;
  for (size_t k = 0; k < candidates.size(); ++k) {
    if (k) list += k + 1 == candidates.size() ? " or " : ", ";
    list += candidates[k];
  }
  throw UsageError("option " + std::string(name) + " is ambiguous: it could be " + list +
                   "; expected more of its name");
}

}  // namespace

std::vector<std::string> normalise_nmap_args(const std::vector<std::string>& given,
                                             const std::vector<std::string>& long_names) {
  const std::vector<std::string> names = known_long_names(long_names);
  // Long options given one dash or a prefix of their name get their whole
  // name, and scan letters run together are split, first, so each is then
  // read (or refused) on its own.
  std::vector<std::string> args;
  args.reserve(given.size());
  for (size_t i = 0; i < given.size(); ++i) {
    if (given[i] == "--") {
      args.insert(args.end(), given.begin() + static_cast<long>(i), given.end());
      break;
    }
    if (auto long_form = single_dash_long(given[i], names)) args.push_back(std::move(*long_form));
    else if (given[i].starts_with("--")) args.push_back(expand_long_prefix(given[i], names));
    else if (auto split = split_scan_letters(given[i])) args.insert(args.end(), split->begin(), split->end());
    else args.push_back(given[i]);
  }
  std::vector<std::string> out;
  out.reserve(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& tok = args[i];
    if (tok == "--") {  // everything after is positional
      out.insert(out.end(), args.begin() + static_cast<long>(i), args.end());
      break;
    }
    if (tok.size() < 2 || tok[0] != '-') {
      out.push_back(tok);
      continue;
    }
    refuse_unsupported_option(tok);
    if (tok[1] == '-') {
      out.push_back(tok);
      continue;
    }
    bool done = false;
    for (const auto& a : nmap_aliases()) {
      if (tok == a.nmap) {
        out.emplace_back(a.name);
        done = true;
        break;
      }
    }
    if (done) continue;
    // -p takes anything as its value, including "-1024" and "-", so the
    // next token is glued on rather than left for CLI11 to mistake for a flag.
    if (tok == "-p") {
      if (i + 1 < args.size()) out.push_back("--ports=" + args[++i]);
      else out.emplace_back("--ports");
      continue;
    }
    if (tok[1] == 'p') {
      out.push_back("--ports=" + tok.substr(2));
      continue;
    }
    // -PS22,80 (ports glued on, as nmap takes them). A bare -PS becomes
    // "default": an empty value would let the parser take the next word.
    if (tok[1] == 'P' && tok.size() >= 3) {
      static constexpr std::pair<char, const char*> kPings[] = {{'S', "--tcp-syn-ping"}, {'A', "--tcp-ack-ping"},
                                                               {'U', "--udp-ping"},     {'O', "--ip-protocol-ping"}};
      bool mapped = false;
      for (const auto& [letter, name] : kPings) {
        if (tok[2] == letter) {
          out.push_back(std::string(name) + "=" + (tok.size() > 3 ? tok.substr(3) : std::string(kDefaultPingPorts)));
          mapped = true;
          break;
        }
      }
      if (mapped) continue;
    }
    if (tok[1] == 'T' && tok.size() > 2) {
      out.push_back("--timing=" + tok.substr(2));
      continue;
    }
    if (tok == "-T" && i + 1 < args.size()) {  // "-T 4", as nmap takes it
      out.push_back("--timing=" + args[++i]);
      continue;
    }
    if (auto n = repeat_count(tok, 'v')) {
      for (int k = 0; k < *n; ++k) out.emplace_back("--verbose");
      continue;
    }
    if (auto n = repeat_count(tok, 'd')) {
      for (int k = 0; k < *n; ++k) out.emplace_back("--debug");
      continue;
    }
    out.push_back(tok);
  }
  return out;
}

}  // namespace portsweep
