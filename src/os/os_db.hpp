#pragma once
// nmap-os-db, read at run time (from nmap-common; never copied into the
// repository): MatchPoints, then one reference per "Fingerprint" entry with
// its Class and CPE lines and expression-valued test lines.
//
// Besides the text of each reference, a loaded database holds its compiled
// form, which match_os walks: every (line, test) MatchPoints names is a
// numbered slot with its points; every distinct (slot, expression) pair of
// the file is one "check" with its expression compiled (os_expression.hpp);
// a reference is a list of check numbers. A subject is then matched by
// evaluating each check once and summing points per reference.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "os/os_expression.hpp"
#include "os/os_fingerprint.hpp"

namespace portsweep::os {

// A malformed nmap-os-db: "FILE:LINE: what is wrong; expected ...". A usage
// error (exit status 2), like the project's other data-file errors.
class DataFileError : public UsageError {
 public:
  using UsageError::UsageError;
};

// "Class Linux | Linux | 5.X | general purpose"
struct OsClass {
  std::string vendor;       // "Linux"
  std::string family;       // "Linux"
  std::string generation;   // "5.X"; may be empty
  std::string device_type;  // "general purpose"
  std::vector<std::string> cpes;  // the CPE lines that follow this Class line ("cpe:/o:linux:linux_kernel:5")

  bool operator==(const OsClass&) const = default;
};

struct OsReference {
  std::string name;          // "Linux 5.0 - 5.14"
  std::vector<OsClass> classes;
  Fingerprint tests;         // values are nmap-os-db expressions
  uint32_t line = 0;         // line of its "Fingerprint" in the file (XML osmatch line=)
};

// One test MatchPoints weighs: SEQ.SP is worth 25 points.
struct OsTestSlot {
  std::string line;  // "SEQ"
  std::string test;  // "SP"
  unsigned points = 0;
};

// One reference test in compiled form: its slot and its expression.
struct OsCheck {
  uint32_t slot = 0;
  OsExpression expression;
};

class OsDb {
 public:
  // Throws DataFileError (one line: file, line number, what is wrong);
  // load() throws RuntimeFailure when the file cannot be read.
  static OsDb load(const std::string& path);
  static OsDb parse(std::string_view text, std::string_view origin);

  const std::vector<OsReference>& references() const noexcept { return references_; }
  // MatchPoints: the weight of each test, e.g. points("SEQ", "SP") == 25;
  // 0 for a test MatchPoints does not name.
  unsigned points(std::string_view line, std::string_view test) const noexcept;
  const Fingerprint& match_points() const noexcept { return match_points_; }

  // The compiled form (see the note above).
  const std::vector<OsTestSlot>& slots() const noexcept { return slots_; }
  // The slot of LINE.TEST, or -1 when MatchPoints does not name it.
  int slot(std::string_view line, std::string_view test) const noexcept;
  const std::vector<OsCheck>& checks() const noexcept { return checks_; }
  // The number of reference tests (each refers to one of checks()).
  size_t check_count() const noexcept { return check_ids_.size(); }
  // The checks of references()[i], in the file's order.
  std::span<const uint32_t> reference_checks(size_t i) const noexcept {
    return {check_ids_.data() + check_begin_[i], check_begin_[i + 1] - check_begin_[i]};
  }

 private:
  friend class OsDbParser;
  std::vector<OsReference> references_;
  Fingerprint match_points_;
  std::vector<OsTestSlot> slots_;
  std::vector<OsCheck> checks_;
  std::vector<uint32_t> check_ids_;
  std::vector<size_t> check_begin_{0};  // references_.size() + 1 entries
};

}  // namespace portsweep::os
