// The reader of nmap-payloads text. Newlines matter (keywords run to the end
// of their line), so the lexer returns them as tokens; the first malformed
// entry stops the load with "FILE:LINE: problem; expected …", since a
// half-read file would silently leave ports without their payloads.
#include "probes/udp_payloads.hpp"

#include <cerrno>
#include <charconv>
#include <map>
#include <stdexcept>
#include <utility>

#include <sys/stat.h>

#include "common/data_file.hpp"
#include "common/error.hpp"
#include "common/hex_digit.hpp"
#include "portsweep_config.h"

namespace portsweep {
namespace {

constexpr size_t kPorts = 65536;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
bool ends_word(char c) { return is_blank(c) || c == '\n' || c == '#' || c == '"'; }
bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Thrown inside the parse; the parser adds FILE:LINE.
struct LineError : std::runtime_error {
  LineError(size_t at, const std::string& what) : std::runtime_error(what), line(at) {}
  size_t line;
};

enum class TokenKind { End, Newline, Word, String };

struct Token {
  TokenKind kind = TokenKind::End;
  std::string_view text;  // a word, or a string's body as written (escapes not decoded)
  size_t line = 0;
};

// Splits the text into words, quoted strings and newlines; comments and
// blanks vanish.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Token next() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (is_blank(c)) {
        ++pos_;
      } else if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
    if (pos_ == text_.size()) return {TokenKind::End, {}, line_};
    char c = text_[pos_];
    if (c == '\n') {
      ++pos_;
      return {TokenKind::Newline, {}, line_++};
    }
    if (c == '"') return quoted();
    size_t start = pos_;
    while (pos_ < text_.size() && !ends_word(text_[pos_])) ++pos_;
    std::string_view word = text_.substr(start, pos_ - start);
    if (word.size() > UdpPayloadDb::kMaxTokenChars) {
      throw LineError(line_, "a word of " + std::to_string(word.size()) + " characters; expected at most " +
                                 std::to_string(UdpPayloadDb::kMaxTokenChars) + ", nmap's limit");
    }
    return {TokenKind::Word, word, line_};
  }

  // Skips what is left of the current line, not its newline.
  void skip_line() {
    while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
  }

 private:
  Token quoted() {
    size_t start = ++pos_;
    while (true) {
      if (pos_ == text_.size() || text_[pos_] == '\n') {
        throw LineError(line_, "string has no closing quote on its line; expected \"…\" to end on the line it "
                               "begins (a payload continues with another quoted string on the next line)");
      }
      char c = text_[pos_];
      if (c == '"') break;
      // The escaped character, even a quote, is part of the string; a
      // backslash at the end of a line is caught as an unclosed string.
      pos_ += (c == '\\' && pos_ + 1 < text_.size() && text_[pos_ + 1] != '\n') ? 2 : 1;
    }
    std::string_view body = text_.substr(start, pos_ - start);
    ++pos_;
    if (body.size() > UdpPayloadDb::kMaxTokenChars) {
      throw LineError(line_, "a quoted string of " + std::to_string(body.size()) + " characters; expected at most " +
                                 std::to_string(UdpPayloadDb::kMaxTokenChars) +
                                 " (nmap's limit): split it into several strings");
    }
    return {TokenKind::String, body, line_};
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

// Appends the bytes `body` (a string as written) stands for.
void unescape(std::string_view body, size_t line, std::vector<uint8_t>& out) {
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\') {
      out.push_back(static_cast<uint8_t>(body[i]));
      continue;
    }
    char e = body[++i];  // the lexer never ends a body on a lone backslash
    switch (e) {
      case '0': out.push_back(0); break;
      case 'a': out.push_back('\a'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'v': out.push_back('\v'); break;
      case 'x': {
        int hi = i + 1 < body.size() ? hex_digit_value(body[i + 1]) : -1;
        int lo = i + 2 < body.size() ? hex_digit_value(body[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
          throw LineError(line, "bad escape \"\\" + std::string(body.substr(i, 3)) +
                                    "\"; expected two hex digits after \\x");
        }
        out.push_back(static_cast<uint8_t>(hi * 16 + lo));
        i += 2;
        break;
      }
      default:
        // Punctuation (\\ \" \' …) stands for itself; a letter or digit is a
        // typo or an escape nmap does not have (octal among them).
        if (is_alnum(e)) {
          throw LineError(line, std::string("unknown escape \\") + e +
                                    "; expected one of \\0 \\a \\b \\f \\n \\r \\t \\v \\\\ \\\" \\xHH (no octal)");
        }
        out.push_back(static_cast<uint8_t>(e));
    }
  }
}

unsigned parse_port(std::string_view text, std::string_view list, unsigned min, size_t line) {
  unsigned value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < min || value > 65535) {
    std::string in = list == text ? "" : " in \"" + std::string(list) + "\"";
    throw LineError(line, "invalid port \"" + std::string(text) + "\"" + in + "; expected a number " +
                              std::to_string(min) + "-65535");
  }
  return value;
}

// "53", "53,69,5353", "32768-65535", "135,1025-1199".
std::vector<std::pair<uint16_t, uint16_t>> parse_port_list(std::string_view list, size_t line) {
  std::vector<std::pair<uint16_t, uint16_t>> ranges;
  size_t start = 0;
  while (true) {
    size_t comma = list.find(',', start);
    size_t end = comma == std::string_view::npos ? list.size() : comma;
    std::string_view item = list.substr(start, end - start);
    if (item.empty()) {
      throw LineError(line, "empty entry in port list \"" + std::string(list) +
                                "\"; expected PORT or FIRST-LAST between the commas");
    }
    size_t dash = item.find('-');
    unsigned first = parse_port(item.substr(0, dash), list, 0, line);
    unsigned last = dash == std::string_view::npos ? first : parse_port(item.substr(dash + 1), list, 0, line);
    if (first > last) {
      throw LineError(line, "port range \"" + std::string(item) + "\" runs backwards; expected FIRST-LAST with "
                                                                  "FIRST <= LAST");
    }
    ranges.emplace_back(static_cast<uint16_t>(first), static_cast<uint16_t>(last));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return ranges;
}

struct Entry {
  size_t line = 0;  // of its "udp"
  std::vector<std::pair<uint16_t, uint16_t>> ports;
  std::vector<uint8_t> bytes;
  std::optional<uint16_t> source_port;
};

}  // namespace

class UdpPayloadParser {
 public:
  UdpPayloadParser(std::string_view text, std::string origin) : lexer_(text), lists_(kPorts) {
    db_.origin_ = std::move(origin);
  }

  UdpPayloadDb run() {
    try {
      Token token = lexer_.next();
      while (true) {
        while (token.kind == TokenKind::Newline) token = lexer_.next();
        if (token.kind == TokenKind::End) break;
        token = entry(token);
      }
    } catch (const LineError& e) {
      throw UsageError(db_.origin_ + ":" + std::to_string(e.line) + ": " + e.what());
    }
    build_table();
    return std::move(db_);
  }

 private:
  // Reads the entry that starts at `first`; returns the token after it.
  Token entry(const Token& first) {
    if (first.kind == TokenKind::String) {
      throw LineError(first.line, "payload string before any \"udp\" line; expected an entry to start with "
                                  "\"udp PORTS\"");
    }
    if (first.text != "udp") {
      throw LineError(first.line, "\"" + std::string(first.text) + "\" where an entry should start; expected "
                                  "\"udp PORTS\" (only udp is supported; keywords go on one line after the strings)");
    }
    Entry e;
    e.line = first.line;
    Token list = lexer_.next();
    if (list.kind != TokenKind::Word) {
      throw LineError(first.line, "\"udp\" has no port list; expected \"udp PORTS\" with ports such as "
                                  "53,5353,32768-65535 on the same line");
    }
    e.ports = parse_port_list(list.text, list.line);

    bool has_string = false;
    Token token = lexer_.next();
    while (token.kind == TokenKind::String || token.kind == TokenKind::Newline) {
      if (token.kind == TokenKind::String) {
        has_string = true;
        unescape(token.text, token.line, e.bytes);
        if (e.bytes.size() > UdpPayloadDb::kMaxPayloadBytes) {
          throw LineError(token.line, "payload for udp " + std::string(list.text) + " grows to " +
                                          std::to_string(e.bytes.size()) + " bytes; expected at most " +
                                          std::to_string(UdpPayloadDb::kMaxPayloadBytes) +
                                          " (one unfragmented datagram)");
        }
      }
      token = lexer_.next();
    }
    if (!has_string) {
      throw LineError(first.line, "udp " + std::string(list.text) + " has no payload; expected one or more "
                                  "quoted strings after the port list");
    }
    if (token.kind == TokenKind::Word && token.text != "udp") {
      keywords(token, e);
      token = lexer_.next();
    }
    add(std::move(e));
    return token;
  }

  // The keyword line that starts with `keyword`: "source PORT" is read, and
  // whatever follows a keyword on its line is ignored, as nmap does.
  void keywords(const Token& keyword, Entry& e) {
    if (keyword.text == "source") {
      Token port = lexer_.next();
      if (port.kind != TokenKind::Word) {
        throw LineError(keyword.line, "\"source\" has no port; expected \"source PORT\" on one line");
      }
      e.source_port = static_cast<uint16_t>(parse_port(port.text, port.text, 1, port.line));
    }
    lexer_.skip_line();
  }

  void add(Entry e) {
    auto id = static_cast<uint32_t>(db_.bodies_.size());
    // Duplicates are found by comparing "first entry with these bytes".
    std::string key(e.bytes.begin(), e.bytes.end());
    uint32_t same_as = first_with_bytes_.try_emplace(std::move(key), id).first->second;
    canonical_.push_back(same_as);  // before the loop: "53,53" meets its own id
    for (auto [first, last] : e.ports) {
      for (unsigned port = first; port <= last; ++port) {
        std::vector<uint32_t>& list = lists_[port];
        bool duplicate = false;
        for (uint32_t other : list) duplicate = duplicate || canonical_[other] == same_as;
        if (duplicate) {
          ++db_.duplicates_dropped_;
          continue;
        }
        if (list.size() == UdpPayloadDb::kMaxPayloadsPerPort) {
          std::string limit = std::to_string(UdpPayloadDb::kMaxPayloadsPerPort);
          throw LineError(e.line, "udp port " + std::to_string(port) + " has more than " + limit +
                                      " payloads; expected at most " + limit + " per port (nmap's limit)");
        }
        list.push_back(id);
      }
    }
    sources_.push_back(e.source_port);
    lines_.push_back(e.line);
    db_.bodies_.push_back(std::move(e.bytes));
    ++db_.entry_count_;
  }

  // Ports with the same list share one run of views_.
  void build_table() {
    std::map<std::vector<uint32_t>, uint32_t> runs;
    const std::vector<uint32_t>* previous = nullptr;
    uint32_t previous_slot = 0;
    for (size_t port = 0; port < kPorts; ++port) {
      const std::vector<uint32_t>& list = lists_[port];
      if (list.empty()) continue;
      ++db_.port_count_;
      if (previous != nullptr && *previous == list) {
        db_.slots_[port] = previous_slot;
        continue;
      }
      auto [run, fresh] = runs.try_emplace(list, static_cast<uint32_t>(db_.views_.size()));
      if (fresh) {
        for (uint32_t id : list) {
          const std::vector<uint8_t>& body = db_.bodies_[id];
          db_.views_.push_back(UdpPayload{std::span<const uint8_t>(body), sources_[id], lines_[id]});
        }
      }
      // At most 65536 runs of at most 255 views: the first index fits in 24 bits.
      previous_slot = run->second << 8 | static_cast<uint32_t>(list.size());
      previous = &list;
      db_.slots_[port] = previous_slot;
    }
  }

  Lexer lexer_;
  UdpPayloadDb db_;
  std::vector<std::vector<uint32_t>> lists_;  // per port: entry ids, file order
  std::map<std::string, uint32_t> first_with_bytes_;  // a payload's bytes -> its first entry
  std::vector<uint32_t> canonical_;  // per entry: the first entry with the same bytes
  std::vector<std::optional<uint16_t>> sources_;
  std::vector<size_t> lines_;
};

UdpPayloadDb::UdpPayloadDb() : slots_(kPorts, 0) {}

std::vector<std::string> UdpPayloadDb::search_path(const std::optional<std::string>& datadir) {
  std::vector<std::string> paths;
  if (datadir && !datadir->empty()) {
    paths.push_back(*datadir + "/nmap-payloads");
    paths.push_back(*datadir + "/portsweep-payloads");
  }
  paths.push_back("/usr/share/nmap/nmap-payloads");
  paths.push_back("/usr/local/share/nmap/nmap-payloads");
  paths.push_back(std::string(PORTSWEEP_DATADIR) + "/portsweep-payloads");
  paths.push_back(std::string(PORTSWEEP_SOURCE_DATADIR) + "/portsweep-payloads");
  return paths;
}

UdpPayloadDb UdpPayloadDb::load(const std::optional<std::string>& datadir) {
  return load_file(first_data_file(search_path(datadir), "UDP payloads"));
}

UdpPayloadDb UdpPayloadDb::load_file(const std::string& path) {
  std::string text = read_data_file(path, "UDP payloads");
  return parse(text, path);
}

UdpPayloadDb UdpPayloadDb::parse(std::string_view text, std::string origin) {
  return UdpPayloadParser(text, std::move(origin)).run();
}

}  // namespace portsweep
