#pragma once
// Matching a subject fingerprint against nmap-os-db as nmap does: each test
// of a line both sides have scores its MatchPoints when the subject's value
// satisfies the reference's expression (alternatives '|', ranges '-', '>'
// and '<'); accuracy is points matched / points possible. Perfect matches are
// reported alone; otherwise guesses from 85 % (more with --osscan-guess).
#include <cstddef>
#include <string>
#include <vector>

#include "os/os_db.hpp"

namespace portsweep::os {

struct OsGuess {
  const OsReference* reference = nullptr;
  double accuracy = 0;  // 0..1
};

struct OsMatchOptions {
  bool guess = false;  // --osscan-guess / --fuzzy
};

struct OsMatchResult {
  std::vector<OsGuess> guesses;  // best first, the ones nmap would report
  bool perfect = false;          // guesses are exact matches (accuracy 1)
};

OsMatchResult match_os(const OsDb& db, const Fingerprint& subject, const OsMatchOptions& options);

// What normal output prints above the matches, aggregated from their classes
// as nmap does: "Device type: general purpose|router", "Running: Linux 4.X|5.X"
// (or "Running (JUST GUESSING): Linux 5.X (96%), ..."), "OS CPE: ...",
// "OS details: ..." or "Aggressive OS guesses: ...", "No exact OS matches
// for host ...", "Too many fingerprints match this host ...".
struct OsSummary {
  std::vector<std::string> lines;   // in order, each without '\n'
  bool show_fingerprint = false;    // nmap adds the TCP/IP fingerprint block
};

OsSummary summarize_os(const OsMatchResult& result);

}  // namespace portsweep::os
