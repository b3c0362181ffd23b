#include "os/p0f_signatures.hpp"

#include <algorithm>
#include <charconv>

#include "common/data_file.hpp"
#include "common/error.hpp"
#include "common/message_text.hpp"
#include "portsweep_config.h"

namespace portsweep::os {

namespace {

struct QuirkName {
  std::string_view word;
  uint32_t bit;
};

// p0f's order, which is also how observed signatures print them.
constexpr QuirkName kQuirkNames[] = {
    {"df", kQuirkDf},         {"id+", kQuirkIdPlus},     {"id-", kQuirkIdMinus},    {"ecn", kQuirkEcn},
    {"0+", kQuirkZeroPlus},   {"flow", kQuirkFlow},      {"seq-", kQuirkSeqMinus},  {"ack+", kQuirkAckPlus},
    {"ack-", kQuirkAckMinus}, {"uptr+", kQuirkUptrPlus}, {"urgf+", kQuirkUrgfPlus}, {"pushf+", kQuirkPushfPlus},
    {"ts1-", kQuirkTs1Minus}, {"ts2+", kQuirkTs2Plus},   {"opt+", kQuirkOptPlus},   {"exws", kQuirkExws},
    {"bad", kQuirkBad},
};

struct OptionName {
  std::string_view word;
  uint8_t kind;
};

constexpr OptionName kOptionNames[] = {
    {"nop", 1}, {"mss", 2}, {"ws", 3}, {"sok", 4}, {"sack", 5}, {"ts", 8},
};

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t from = 0;
  for (;;) {
    const size_t at = s.find(sep, from);
    out.push_back(s.substr(from, at == std::string_view::npos ? std::string_view::npos : at - from));
    if (at == std::string_view::npos) return out;
    from = at + 1;
  }
}

// A decimal number within [lo, hi] taking the whole of `s`.
bool number(std::string_view s, uint32_t lo, uint32_t hi, uint32_t& out) {
  if (s.empty() || s.size() > 10) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v < lo || v > hi) return false;
  out = static_cast<uint32_t>(v);
  return true;
}

class Parser {
 public:
  Parser(std::string_view origin) : origin_(origin) {}

  [[noreturn]] void fail(const std::string& what) const {
    std::string m(origin_);
    m += ':';
    m += std::to_string(line_);
    m += ": ";
    m += what;
    throw UsageError(m);
  }

  void run(std::string_view text, std::vector<std::string>& classes, std::vector<P0fLabel>& labels,
           std::vector<P0fTcpSignature>& requests, std::vector<P0fTcpSignature>& responses) {
    size_t from = 0;
    while (from < text.size()) {
      size_t end = text.find('\n', from);
      if (end == std::string_view::npos) end = text.size();
      ++line_;
      const std::string_view raw = text.substr(from, end - from);
      from = end + 1;
      if (raw.find('\0') != std::string_view::npos) fail("a NUL byte: not a text file");
      const std::string_view l = trim_blanks(raw);
      if (l.empty() || l.front() == ';') continue;
      if (l.front() == '[') {
        section(l);
        continue;
      }
      const size_t eq = l.find('=');
      if (eq == std::string_view::npos) fail("\"" + std::string(l) + "\" is neither a [section] nor \"key = value\"");
      const std::string_view key = trim_blanks(l.substr(0, eq)), value = trim_blanks(l.substr(eq + 1));
      if (key == "classes") {
        if (!labels.empty()) fail("\"classes\" after the first label: the classes come first");
        for (std::string_view c : split(value, ',')) {
          c = trim_blanks(c);
          if (c.empty()) fail("an empty class name in \"classes = " + std::string(value) + "\"");
          classes.emplace_back(c);
        }
      } else if (key == "label") {
        if (section_ == Section::None) fail("a label before any [section]");
        label(value, classes, labels);
      } else if (key == "sys") {
        if (!have_label_) fail("\"sys\" before any label of its section");
        for (std::string_view s : split(value, ',')) labels.back().sys.emplace_back(trim_blanks(s));
      } else if (key == "sig") {
        if (section_ == Section::None) fail("a signature before any [section]");
        if (!have_label_) fail("a signature before any label of its section");
        if (section_ == Section::TcpRequest || section_ == Section::TcpResponse) {
          P0fTcpSignature sig = tcp_signature(value);
          sig.label = static_cast<uint32_t>(labels.size() - 1);
          sig.line = static_cast<uint32_t>(line_);
          (section_ == Section::TcpRequest ? requests : responses).push_back(sig);
        } else if (section_ == Section::Mtu) {
          uint32_t mtu = 0;
          if (!number(value, 1, 65535, mtu)) fail("MTU signature \"" + std::string(value) + "\": expected a number 1-65535");
        }
        // HTTP signatures: not read (the hint looks at TCP headers only).
      } else if (key == "ua_os") {
        if (section_ != Section::HttpRequest) fail("\"ua_os\" outside [http:request]");
      } else {
        fail("unknown key \"" + std::string(key) + "\": expected classes, label, sys, sig or ua_os");
      }
    }
  }

 private:
  enum class Section { None, Mtu, TcpRequest, TcpResponse, HttpRequest, HttpResponse };

  void section(std::string_view l) {
    if (l.back() != ']') fail("section \"" + std::string(l) + "\" does not end with ']'");
    const std::string_view name = l.substr(1, l.size() - 2);
    if (name == "mtu") section_ = Section::Mtu;
    else if (name == "tcp:request") section_ = Section::TcpRequest;
    else if (name == "tcp:response") section_ = Section::TcpResponse;
    else if (name == "http:request") section_ = Section::HttpRequest;
    else if (name == "http:response") section_ = Section::HttpResponse;
    else fail("unknown section [" + std::string(name) + "]: expected mtu, tcp:request, tcp:response, http:request or http:response");
    have_label_ = false;
  }

  void label(std::string_view value, const std::vector<std::string>& classes, std::vector<P0fLabel>& labels) {
    P0fLabel lab;
    lab.line = static_cast<uint32_t>(line_);
    if (section_ == Section::Mtu) {
      if (value.empty()) fail("an empty MTU label");
      lab.name = std::string(value);
    } else {
      // type:class:name:flavor; the flavor is the rest (it may hold ':').
      const size_t a = value.find(':');
      const size_t b = a == std::string_view::npos ? a : value.find(':', a + 1);
      const size_t c = b == std::string_view::npos ? b : value.find(':', b + 1);
      if (c == std::string_view::npos)
        fail("label \"" + std::string(value) + "\": expected type:class:name:flavor");
      const std::string_view type = value.substr(0, a), cls = value.substr(a + 1, b - a - 1),
                             name = value.substr(b + 1, c - b - 1);
      if (type == "g") lab.generic = true;
      else if (type != "s") fail("label \"" + std::string(value) + "\": type \"" + std::string(type) + "\", expected s or g");
      if (cls != "!" && std::find(classes.begin(), classes.end(), cls) == classes.end())
        fail("label \"" + std::string(value) + "\": class \"" + std::string(cls) +
             "\" is not in \"classes\" (nor \"!\", for applications)");
      if (name.empty()) fail("label \"" + std::string(value) + "\": an empty name");
      lab.os_class = std::string(cls);
      lab.name = std::string(name);
      lab.flavor = std::string(value.substr(c + 1));
    }
    labels.push_back(std::move(lab));
    have_label_ = true;
  }

  P0fTcpSignature tcp_signature(std::string_view value) {
    const std::vector<std::string_view> f = split(value, ':');
    if (f.size() != 8)
      fail("signature \"" + std::string(value) + "\" has " + std::to_string(f.size()) +
           " fields; expected 8: ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass");
    const auto bad = [&](const char* field, std::string_view v, const char* expected) {
      fail("signature \"" + std::string(value) + "\": " + field + " \"" + std::string(v) + "\", expected " + expected);
    };
    P0fTcpSignature s;
    uint32_t n = 0;
    if (f[0] == "*") s.version = -1;
    else if (f[0] == "4") s.version = 4;
    else if (f[0] == "6") s.version = 6;
    else bad("ver", f[0], "4, 6 or *");

    std::string_view ttl = f[1];
    if (!ttl.empty() && ttl.back() == '-') {
      s.ttl_is_max = true;
      ttl.remove_suffix(1);
    }
    if (!number(ttl, 1, 255, n)) bad("ittl", f[1], "a TTL 1-255, optionally followed by '-'");
    s.ittl = static_cast<uint8_t>(n);

    if (!number(f[2], 0, 40, n)) bad("olen", f[2], "the IP options' length, 0-40");
    s.olen = static_cast<uint8_t>(n);

    if (f[3] == "*") s.mss = -1;
    else if (number(f[3], 0, 65535, n)) s.mss = static_cast<int32_t>(n);
    else bad("mss", f[3], "a number 0-65535 or *");

    const size_t comma = f[4].find(',');
    if (comma == std::string_view::npos) bad("wsize,scale", f[4], "two fields, e.g. mss*10,7");
    const std::string_view win = f[4].substr(0, comma), scale = f[4].substr(comma + 1);
    if (win == "*") {
      s.window = P0fWindow::Any;
    } else if (win.starts_with("mss*") || win.starts_with("mtu*")) {
      s.window = win[1] == 's' ? P0fWindow::Mss : P0fWindow::Mtu;
      if (!number(win.substr(4), 1, 65535, s.window_value)) bad("wsize", win, "mss*N or mtu*N with N 1-65535");
    } else if (win.starts_with('%')) {
      s.window = P0fWindow::Mod;
      if (!number(win.substr(1), 1, 65535, s.window_value)) bad("wsize", win, "%N with N 1-65535");
    } else {
      s.window = P0fWindow::Fixed;
      if (!number(win, 0, 65535, s.window_value)) bad("wsize", win, "a window 0-65535, mss*N, mtu*N, %N or *");
    }
    if (scale == "*") s.scale = -1;
    else if (number(scale, 0, 255, n)) s.scale = static_cast<int16_t>(n);
    else bad("scale", scale, "a window scale 0-255 or *");

    if (!f[5].empty()) {
      bool ended = false;
      for (std::string_view o : split(f[5], ',')) {
        if (ended) bad("olayout", f[5], "nothing after eol+n");
        if (s.layout_len == kP0fMaxOptions) bad("olayout", f[5], "at most 40 options");
        uint8_t kind = 0;
        if (o.starts_with("eol+")) {
          if (!number(o.substr(4), 0, 40, n)) bad("olayout", o, "eol+n with n 0-40");
          kind = 0;
          s.eol_pad = static_cast<uint8_t>(n);
          ended = true;
        } else if (o.starts_with('?')) {
          if (!number(o.substr(1), 0, 255, n)) bad("olayout", o, "?n with n 0-255");
          kind = static_cast<uint8_t>(n);
        } else {
          const auto* it = std::find_if(std::begin(kOptionNames), std::end(kOptionNames),
                                        [&](const OptionName& x) { return x.word == o; });
          if (it == std::end(kOptionNames)) bad("olayout", o, "eol+n, nop, mss, ws, sok, sack, ts or ?n");
          kind = it->kind;
        }
        s.layout[s.layout_len++] = kind;
      }
    }
    s.layout_hash = p0f_layout_hash(s.layout.data(), s.layout_len, s.eol_pad);

    std::string word;
    if (!parse_p0f_quirks(f[6], s.quirks, word)) bad("quirk", word, "df, id+, id-, ecn, 0+, flow, seq-, ack+, ack-, "
                                                                    "uptr+, urgf+, pushf+, ts1-, ts2+, opt+, exws or bad");
    if (f[7] == "0") s.pclass = 0;
    else if (f[7] == "+") s.pclass = 1;
    else if (f[7] == "*") s.pclass = -1;
    else bad("pclass", f[7], "0, + or *");
    return s;
  }

  std::string_view origin_;
  size_t line_ = 0;
  Section section_ = Section::None;
  bool have_label_ = false;
};

}  // namespace

bool parse_p0f_quirks(std::string_view text, uint32_t& bits, std::string& bad) {
  bits = 0;
  if (text.empty()) return true;
  for (std::string_view w : split(text, ',')) {
    const auto* it = std::find_if(std::begin(kQuirkNames), std::end(kQuirkNames),
                                  [&](const QuirkName& q) { return q.word == w; });
    if (it == std::end(kQuirkNames)) {
      bad = std::string(w);
      return false;
    }
    bits |= it->bit;
  }
  return true;
}

std::string format_p0f_quirks(uint32_t bits) {
  std::string s;
  for (const QuirkName& q : kQuirkNames) {
    if (!(bits & q.bit)) continue;
    if (!s.empty()) s += ',';
    s += q.word;
  }
  return s;
}

uint32_t p0f_layout_hash(const uint8_t* layout, size_t n, uint8_t eol_pad) noexcept {
  uint32_t h = 2166136261u;  // FNV-1a
  for (size_t i = 0; i < n; ++i) h = (h ^ layout[i]) * 16777619u;
  h = (h ^ eol_pad) * 16777619u;
  return (h ^ static_cast<uint32_t>(n)) * 16777619u;
}

std::string format_p0f_layout(const uint8_t* layout, size_t n, uint8_t eol_pad) {
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (i) s += ',';
    const uint8_t k = layout[i];
    if (k == 0) {
      s += "eol+";
      s += std::to_string(eol_pad);
      continue;
    }
    const auto* it = std::find_if(std::begin(kOptionNames), std::end(kOptionNames),
                                  [&](const OptionName& x) { return x.kind == k; });
    if (it != std::end(kOptionNames)) {
      s += it->word;
    } else {
      s += '?';
      s += std::to_string(k);
    }
  }
  return s;
}

std::string P0fLabel::text() const {
  std::string s = name;
  if (!flavor.empty()) s.append(" ").append(flavor);
  return s;
}

P0fDatabase P0fDatabase::parse(std::string_view text, std::string_view origin) {
  P0fDatabase db;
  db.origin_ = std::string(origin);
  Parser(origin).run(text, db.classes_, db.labels_, db.requests_, db.responses_);
  if (db.responses_.empty())
    throw UsageError(std::string(origin) + ": no [tcp:response] signature: nothing to classify a SYN-ACK with");
  return db;
}

P0fDatabase P0fDatabase::load(const std::string& path) {
  const std::string text = read_data_file(path, "p0f signatures");
  return parse(text, path);
}

std::vector<std::string> P0fDatabase::search_path(const std::string& datadir) {
  std::vector<std::string> paths;
  if (!datadir.empty()) {
    paths.push_back(datadir + "/p0f.fp");
    paths.push_back(datadir + "/p0f-response.fp");
  }
  paths.push_back("/etc/p0f/p0f.fp");
  paths.push_back(std::string(PORTSWEEP_DATADIR) + "/p0f-response.fp");
  paths.push_back(std::string(PORTSWEEP_SOURCE_DATADIR) + "/p0f-response.fp");
  return paths;
}

}  // namespace portsweep::os
