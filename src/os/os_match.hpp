#pragma once
// Matching a subject fingerprint against nmap-os-db as nmap 7.93 does
// (osscan.cc match_fingerprint, FingerPrintResults.cc, output.cc
// printosscanoutput): each test of a line both sides have scores its
// MatchPoints when the subject's value satisfies the reference's expression
// (alternatives '|', ranges '-', '>' and '<'; os_expression.hpp); accuracy
// is points matched / points possible. Perfect matches are reported alone;
// otherwise guesses from 85 % (more with --osscan-guess).
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "os/os_db.hpp"

namespace portsweep::os {

inline constexpr double kOsGuessThreshold = 0.85;  // nmap's OSSCAN_GUESS_THRESHOLD
inline constexpr size_t kMaxOsMatches = 36;        // nmap's MAX_FP_RESULTS
inline constexpr size_t kMaxOsDetails = 8;         // more perfect matches: "Too many fingerprints ..."

struct OsGuess {
  const OsReference* reference = nullptr;
  double accuracy = 0;  // 0..1
};

struct OsMatchOptions {
  bool guess = false;  // --osscan-guess / --fuzzy
};

// nmap's overall result of a match.
enum class OsMatchStatus {
  Success,         // at least one candidate
  NoMatches,       // nothing reached 85 %
  TooManyMatches,  // more than 36 perfect matches
};

struct OsMatchResult {
  // Best first, the ones nmap would report (its XML <osmatch> list): every
  // perfect match (when there are 1 to 8), or else up to 10 candidates within
  // 10 points of the best; empty when too many match perfectly or none does.
  std::vector<OsGuess> guesses;
  bool perfect = false;          // guesses are exact matches (accuracy 1)

  // nmap's whole list, which Device type / Running are aggregated from: up to
  // 36 references of at least 85 % (any number perfect), one per OS name
  // (the best of same-named references), best first, ties in file order.
  std::vector<OsGuess> candidates;
  size_t perfect_matches = 0;    // candidates[0, perfect_matches) have accuracy 1
  OsMatchStatus status = OsMatchStatus::NoMatches;
  bool guess = false;            // OsMatchOptions::guess, for summarize_os
};

OsMatchResult match_os(const OsDb& db, const Fingerprint& subject, const OsMatchOptions& options);

// Points one reference scores against a subject (compare_fingerprints):
// only tests of lines both have, and tests both lines have, count.
struct OsScore {
  unsigned matched = 0;
  unsigned possible = 0;
  double accuracy() const noexcept { return possible ? matched / static_cast<double>(possible) : 0; }
};
OsScore score_os(const OsDb& db, size_t reference, const Fingerprint& subject);

// The percentage nmap prints for an accuracy (it truncates: 0.8699 -> 86).
int os_percent(double accuracy) noexcept;

// nmap tries up to --max-os-tries times (osscan2.cc): a try whose match has a
// perfect match ends the host's tries; after the last, the try with the best
// first accuracy is reported (the first perfect one, else the first of the
// highest). Index into `tries`, which must not be empty.
bool os_tries_done(const OsMatchResult& r) noexcept;
size_t best_os_try(std::span<const OsMatchResult> tries) noexcept;

// Distinct classes of the candidates with the accuracy of the first candidate
// that has each (FingerPrintResults::populateClassification).
struct OsClassGuess {
  const OsClass* os_class = nullptr;
  double accuracy = 0;
};
struct OsClassification {
  std::vector<OsClassGuess> classes;
  size_t perfect_classes = 0;
  OsMatchStatus status = OsMatchStatus::NoMatches;
};
OsClassification classify_os(const OsMatchResult& result);

// Why nmap would not ask for the fingerprint's submission
// (FingerPrintResults::OmitSubmissionFP, IPv4); empty when it would. A
// reason makes nmap print guesses as if --osscan-guess were given.
struct OsScanConditions {
  int scan_delay_ms = 0;
  int timing_level = 3;         // -T
  int open_tcp_port = -1;       // the ports the probes used; -1 none
  int closed_tcp_port = -1;
  int closed_udp_port = -1;
  bool udp_scan = false;        // -sU was part of the scan
  int distance = -1;            // hops; -1 unknown
  double max_timing_ratio = 0;
  bool incomplete = false;      // some probes failed to send
};
std::string omit_submission_reason(const OsScanConditions& c);

// What normal output prints above the matches, aggregated from their classes
// as nmap does: "Device type: general purpose|router", "Running: Linux 4.X|5.X"
// (or "Running (JUST GUESSING): Linux 5.X (96%), ..."), "OS CPE: ...",
// "OS details: ..." or "Aggressive OS guesses: ...", "No exact OS matches
// for host ...", "Too many fingerprints match this host ...".
struct OsSummaryOptions {
  bool guess = false;        // --osscan-guess
  std::string omit_reason = {};  // omit_submission_reason(); empty: the fingerprint is fit for submission
  int verbose = 0;           // -v count
  bool debugging = false;    // -d
  bool unreliable = false;   // no open or no closed port was found (nmap's warning line)
};

struct OsSummary {
  std::vector<std::string> lines;   // in order, each without '\n'
  bool show_fingerprint = false;    // nmap adds the TCP/IP fingerprint block
  // How nmap prints that block, after "TCP/IP fingerprint:": wrapped in
  // "OS:" rows, and with G=Y in its SCAN line when it is fit for submission.
  bool fingerprint_wrapped = true;
  bool fingerprint_good = true;
};

// With OsSummaryOptions{.guess = result.guess}.
OsSummary summarize_os(const OsMatchResult& result);
OsSummary summarize_os(const OsMatchResult& result, const OsSummaryOptions& options);

}  // namespace portsweep::os
