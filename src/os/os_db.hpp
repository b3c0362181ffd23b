#pragma once
// nmap-os-db, read at run time (from nmap-common; never copied into the
// repository): MatchPoints, then one reference per "Fingerprint" entry with
// its Class and CPE lines and expression-valued test lines.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "os/os_fingerprint.hpp"

namespace portsweep::os {

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

class OsDb {
 public:
  // Throws DataFileError (one line: file, line number, what is wrong).
  static OsDb load(const std::string& path);
  static OsDb parse(std::string_view text, std::string_view origin);

  const std::vector<OsReference>& references() const noexcept { return references_; }
  // MatchPoints: the weight of each test, e.g. points("SEQ", "SP") == 25;
  // 0 for a test MatchPoints does not name.
  unsigned points(std::string_view line, std::string_view test) const noexcept;

 private:
  std::vector<OsReference> references_;
  Fingerprint match_points_;
};

}  // namespace portsweep::os
