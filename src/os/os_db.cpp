// The nmap-os-db reader. Records are separated by blank lines; '#' lines are
// comments. A record is the MatchPoints section (test lines whose values are
// decimal weights) or a reference: "Fingerprint NAME", its "Class vendor |
// family | generation | device type" lines, each followed by its "CPE cpe:/..
// [flags]" lines, and its test lines "NAME(TEST=EXPR%TEST=EXPR...)" (the
// format nmap 7.93's parse_fingerprint_file reads). nmap skips a line it
// cannot read and goes on; portsweep stops at the first one with
// "FILE:LINE: problem; expected ...", since a half-read database silently
// changes every guess. After the text is read, each reference test is tied to
// its MatchPoints slot and each distinct (slot, expression) is compiled once
// (os_expression.hpp). A reference test MatchPoints does not weigh (the file
// has OPS(R=N) and WIN(R=N)) is kept as text but never scores: nmap's
// subjects never have it (nmap would stop with a fatal error if one did).
#include "os/os_db.hpp"

#include <cctype>
#include <stdexcept>
#include <unordered_map>

#include "common/data_file.hpp"
#include "common/message_text.hpp"

namespace portsweep::os {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

bool starts_with_keyword(std::string_view line, std::string_view keyword, bool any_case) {
  if (line.size() < keyword.size()) return false;
  for (size_t i = 0; i < keyword.size(); ++i) {
    char a = line[i], b = keyword[i];
    if (any_case ? std::tolower(static_cast<unsigned char>(a)) != std::tolower(static_cast<unsigned char>(b)) : a != b)
      return false;
  }
  return line.size() == keyword.size() || is_blank(line[keyword.size()]);
}

bool is_test_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

struct LineError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// "SEQ(SP=0-5%GCD=1)" -> a FingerprintLine; the caller checks the name.
FingerprintLine parse_test_line(std::string_view text) {
  size_t open = text.find('(');
  if (open == std::string_view::npos) {
    throw LineError("unexpected line " + quoted_excerpt(text) +
                    "; expected Class, CPE or a test line like SEQ(SP=0-5%GCD=1)");
  }
  FingerprintLine line;
  std::string_view name = text.substr(0, open);
  if (!is_test_name(name)) {
    throw LineError("bad test line name " + quoted_excerpt(name) + "; expected letters and digits like SEQ or T1 before '('");
  }
  line.name = name;
  size_t close = text.find(')', open + 1);
  if (close == std::string_view::npos) {
    throw LineError("test line " + line.name + " has no closing ')'; expected " + line.name + "(TEST=VALUE%...)");
  }
  if (!trim_blanks(text.substr(close + 1)).empty()) {
    throw LineError("unexpected " + quoted_excerpt(trim_blanks(text.substr(close + 1))) + " after test line " + line.name +
                    "; expected nothing after ')'");
  }
  std::string_view body = text.substr(open + 1, close - open - 1);
  if (body.empty()) return line;
  while (true) {
    size_t pct = body.find('%');
    std::string_view item = body.substr(0, pct);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      throw LineError("bad test " + quoted_excerpt(item) + " in " + line.name + "; expected TEST=VALUE");
    }
    std::string_view test = item.substr(0, eq);
    if (line.value(test) != nullptr) {
      throw LineError("test " + line.name + "." + std::string(test) + " appears twice; expected each test once");
    }
    line.tests.push_back({std::string(test), std::string(item.substr(eq + 1))});
    if (pct == std::string_view::npos) break;
    body.remove_prefix(pct + 1);
  }
  return line;
}

OsClass parse_class_line(std::string_view rest) {
  OsClass c;
  std::string_view fields[4];
  for (int i = 0; i < 3; ++i) {
    size_t bar = rest.find('|');
    if (bar == std::string_view::npos) {
      throw LineError("Class line has " + std::to_string(i + 1) +
                      " field(s); expected Class VENDOR | FAMILY | GENERATION | DEVICE TYPE");
    }
    fields[i] = trim_blanks(rest.substr(0, bar));
    rest.remove_prefix(bar + 1);
  }
  fields[3] = trim_blanks(rest);
  c.vendor = fields[0];
  c.family = fields[1];
  c.generation = fields[2];
  c.device_type = fields[3];
  return c;
}

}  // namespace

class OsDbParser {
 public:
  OsDbParser(std::string_view text, std::string_view origin) : text_(text), origin_(origin) {}

  OsDb run() {
    size_t pos = 0;
    while (pos < text_.size()) {
      size_t nl = text_.find('\n', pos);
      std::string_view raw = text_.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
      pos = nl == std::string_view::npos ? text_.size() : nl + 1;
      ++line_;
      try {
        handle(raw);
      } catch (const LineError& e) {
        fail(e.what());
      }
    }
    line_ = 0;
    if (!have_match_points_) fail("no MatchPoints section; expected MatchPoints and its test weights before the references");
    if (db_.references_.empty()) fail("no Fingerprint entries; expected at least one reference fingerprint");
    compile();
    return std::move(db_);
  }

 private:
  enum class State { Between, MatchPoints, Reference };

  [[noreturn]] void fail(const std::string& what) const {
    std::string where = std::string(origin_);
    if (line_ > 0) where += ":" + std::to_string(line_);
    throw DataFileError(where + ": " + what);
  }

  void handle(std::string_view raw) {
    if (!raw.empty() && raw.front() == '#') return;
    std::string_view text = trim_blanks(raw);
    if (text.empty()) {
      state_ = State::Between;  // a blank line ends a record
      return;
    }
    if (starts_with_keyword(text, "Fingerprint", true)) {
      std::string_view name = text.substr(11);
      name = trim_blanks(name.substr(0, name.find('#')));
      if (name.empty()) throw LineError("Fingerprint has no name; expected Fingerprint OS NAME");
      OsReference ref;
      ref.name = name;
      ref.line = line_;
      db_.references_.push_back(std::move(ref));
      test_lines_.emplace_back();
      state_ = State::Reference;
      return;
    }
    if (starts_with_keyword(text, "MatchPoints", true)) {
      if (!trim_blanks(text.substr(11)).empty()) {
        throw LineError("unexpected " + quoted_excerpt(trim_blanks(text.substr(11))) + " after MatchPoints; expected nothing");
      }
      if (have_match_points_) {
        throw LineError("second MatchPoints section (the first is on line " + std::to_string(match_points_line_) +
                        "); expected one");
      }
      have_match_points_ = true;
      match_points_line_ = line_;
      state_ = State::MatchPoints;
      return;
    }
    switch (state_) {
      case State::Between:
        throw LineError("unexpected line " + quoted_excerpt(text) +
                        " outside a record; expected Fingerprint NAME or MatchPoints after a blank line");
      case State::MatchPoints:
        match_points_line(text);
        return;
      case State::Reference:
        reference_line(text);
        return;
    }
  }

  void match_points_line(std::string_view text) {
    if (starts_with_keyword(text, "Class", false) || starts_with_keyword(text, "CPE", false)) {
      throw LineError(std::string(text.substr(0, text.find(' '))) +
                      " line in the MatchPoints section; expected only test weights like SEQ(SP=25%GCD=75)");
    }
    FingerprintLine line = parse_test_line(text);
    if (db_.match_points_.line(line.name) != nullptr) {
      throw LineError("MatchPoints names line " + line.name + " twice; expected each line once");
    }
    for (const FingerprintTest& t : line.tests) {
      bool digits = !t.value.empty() && t.value.size() <= 9;
      for (char c : t.value) digits = digits && c >= '0' && c <= '9';
      if (!digits) {
        throw LineError("MatchPoints weight " + line.name + "." + t.name + "=" + quoted_excerpt(t.value) +
                        "; expected a decimal number of points");
      }
    }
    db_.match_points_.lines.push_back(std::move(line));
  }

  void reference_line(std::string_view text) {
    OsReference& ref = db_.references_.back();
    if (starts_with_keyword(text, "Class", false)) {
      ref.classes.push_back(parse_class_line(text.substr(5)));
      return;
    }
    if (starts_with_keyword(text, "CPE", false)) {
      if (ref.classes.empty()) throw LineError("CPE line before any Class line; expected it after its Class");
      std::string_view rest = trim_blanks(text.substr(3));
      size_t end = 0;
      while (end < rest.size() && !is_blank(rest[end])) ++end;
      if (end == 0) throw LineError("CPE line has no name; expected CPE cpe:/PART:VENDOR:PRODUCT");
      ref.classes.back().cpes.emplace_back(rest.substr(0, end));  // flags such as "auto" follow; nmap ignores them
      return;
    }
    FingerprintLine line = parse_test_line(text);
    if (ref.tests.line(line.name) != nullptr) {
      throw LineError("test line " + line.name + " appears twice in \"" + ref.name + "\"; expected each line once");
    }
    ref.tests.lines.push_back(std::move(line));
    test_lines_.back().push_back(line_);
  }

  void compile() {
    std::vector<size_t> line_base;
    for (const FingerprintLine& l : db_.match_points_.lines) {
      line_base.push_back(db_.slots_.size());
      for (const FingerprintTest& t : l.tests) {
        db_.slots_.push_back({l.name, t.name, static_cast<unsigned>(std::stoul(t.value))});
      }
    }
    // Per slot: expression text -> check number (texts live in references_).
    std::vector<std::unordered_map<std::string_view, uint32_t>> known(db_.slots_.size());
    db_.check_begin_.reserve(db_.references_.size() + 1);
    for (size_t r = 0; r < db_.references_.size(); ++r) {
      const OsReference& ref = db_.references_[r];
      for (size_t li = 0; li < ref.tests.lines.size(); ++li) {
        const FingerprintLine& l = ref.tests.lines[li];
        line_ = test_lines_[r][li];
        // The line's MatchPoints entry once, then each test within it.
        const FingerprintLine* weights = db_.match_points_.line(l.name);
        size_t base = weights ? line_base.at(weights - db_.match_points_.lines.data()) : 0;
        for (const FingerprintTest& t : l.tests) {
          int slot = -1;
          if (weights) {
            for (size_t k = 0; k < weights->tests.size(); ++k) {
              if (weights->tests[k].name == t.name) slot = static_cast<int>(base + k);
            }
          }
          // OPS(R=N), WIN(R=N), SEQ(R=N): MatchPoints weighs no R in these
          // lines, and nmap never puts one in a subject's (it leaves the
          // line out), so such a test never counts. Not compiled.
          if (slot < 0) continue;
          auto [it, added] = known[slot].try_emplace(t.value, static_cast<uint32_t>(db_.checks_.size()));
          if (added) {
            OsExpression expression(t.value);
            if (expression.has_bad_range()) {
              fail("range in " + l.name + "." + t.name + "=" + t.value +
                   " does not rise; expected LOW-HIGH with LOW < HIGH (hexadecimal)");
            }
            db_.checks_.push_back({static_cast<uint32_t>(slot), std::move(expression)});
          }
          db_.check_ids_.push_back(it->second);
        }
      }
      db_.check_begin_.push_back(db_.check_ids_.size());
    }
    line_ = 0;
  }

  std::string_view text_;
  std::string_view origin_;
  OsDb db_;
  uint32_t line_ = 0;
  State state_ = State::Between;
  bool have_match_points_ = false;
  uint32_t match_points_line_ = 0;
  std::vector<std::vector<uint32_t>> test_lines_;  // per reference, the file line of each test line
};

OsDb OsDb::parse(std::string_view text, std::string_view origin) { return OsDbParser(text, origin).run(); }

OsDb OsDb::load(const std::string& path) { return parse(read_data_file(path, "nmap-os-db"), path); }

int OsDb::slot(std::string_view line, std::string_view test) const noexcept {
  // Slots are numbered in MatchPoints' order: find the line, then the test.
  size_t base = 0;
  for (const FingerprintLine& l : match_points_.lines) {
    if (l.name == line) {
      for (size_t i = 0; i < l.tests.size(); ++i) {
        if (l.tests[i].name == test) return static_cast<int>(base + i);
      }
      return -1;
    }
    base += l.tests.size();
  }
  return -1;
}

unsigned OsDb::points(std::string_view line, std::string_view test) const noexcept {
  int s = slot(line, test);
  return s < 0 ? 0 : slots_[s].points;
}

}  // namespace portsweep::os
