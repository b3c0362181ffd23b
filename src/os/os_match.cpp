// Matching and the normal-output summary, as nmap 7.93 decides them.
//
// Design note. A match walks every reference of nmap-os-db (about 5,700). The
// database's compiled form (os_db.hpp) makes that cheap: the subject's value
// of every MatchPoints slot is converted once (SubjectValue); every distinct
// (slot, expression) check of the file is evaluated once against it; a
// reference's score is then a sum over its check numbers (array reads, no
// string work). The candidate list is then built exactly as nmap's
// match_fingerprint builds its fixed array of 36: one entry per OS name (a
// better-scoring reference of the same name replaces the earlier one), sorted
// by accuracy with ties in file order, the entrance requirement raised to the
// 36th accuracy once the list is full, and "too many matches" when a 37th
// perfect match arrives.
#include "os/os_match.hpp"

#include <cmath>
#include <cstdio>

namespace portsweep::os {
namespace {

constexpr size_t kShownGuesses = 10;    // guesses and osmatch elements printed at most
constexpr double kGuessSpread = 0.10;   // ... within this of the best
constexpr size_t kMaxClassMembers = 8;  // output.cc: more types/CPEs/families and nmap prints no class lines

struct SubjectSlots {
  std::vector<SubjectValue> values;
  std::vector<uint8_t> present;
};

SubjectSlots subject_slots(const OsDb& db, const Fingerprint& subject) {
  SubjectSlots s;
  s.values.resize(db.slots().size());
  s.present.assign(db.slots().size(), 0);
  for (const FingerprintLine& line : subject.lines) {
    for (const FingerprintTest& t : line.tests) {
      int slot = db.slot(line.name, t.name);
      if (slot < 0 || s.present[slot]) continue;  // a repeated line: its first occurrence counts
      s.present[slot] = 1;
      s.values[slot] = SubjectValue::of(t.value);
    }
  }
  return s;
}

// Per check: 0 the subject lacks its test, 1 no match, 2 match.
std::vector<uint8_t> evaluate_checks(const OsDb& db, const SubjectSlots& s) {
  const std::vector<OsCheck>& checks = db.checks();
  std::vector<uint8_t> out(checks.size());
  for (size_t c = 0; c < checks.size(); ++c) {
    uint32_t slot = checks[c].slot;
    out[c] = s.present[slot] ? (checks[c].expression.matches(s.values[slot]) ? 2 : 1) : 0;
  }
  return out;
}

OsScore score_with(const OsDb& db, size_t reference, const std::vector<uint8_t>& outcome) {
  OsScore score;
  const std::vector<OsCheck>& checks = db.checks();
  const std::vector<OsTestSlot>& slots = db.slots();
  for (uint32_t c : db.reference_checks(reference)) {
    uint8_t o = outcome[c];
    if (o == 0) continue;
    unsigned points = slots[checks[c].slot].points;
    score.possible += points;
    if (o == 2) score.matched += points;
  }
  return score;
}

std::string percent_text(double accuracy) { return std::to_string(os_percent(accuracy)) + "%"; }

}  // namespace

int os_percent(double accuracy) noexcept { return static_cast<int>(std::floor(accuracy * 100)); }

OsScore score_os(const OsDb& db, size_t reference, const Fingerprint& subject) {
  // One reference: evaluate only its own checks.
  SubjectSlots s = subject_slots(db, subject);
  OsScore score;
  for (uint32_t c : db.reference_checks(reference)) {
    const OsCheck& check = db.checks()[c];
    if (!s.present[check.slot]) continue;
    unsigned points = db.slots()[check.slot].points;
    score.possible += points;
    if (check.expression.matches(s.values[check.slot])) score.matched += points;
  }
  return score;
}

OsMatchResult match_os(const OsDb& db, const Fingerprint& subject, const OsMatchOptions& options) {
  OsMatchResult r;
  r.guess = options.guess;
  r.status = OsMatchStatus::Success;
  std::vector<uint8_t> outcome = evaluate_checks(db, subject_slots(db, subject));
  std::vector<OsGuess>& list = r.candidates;
  list.reserve(kMaxOsMatches + 1);
  double entrance = kOsGuessThreshold;
  const std::vector<OsReference>& refs = db.references();
  for (size_t i = 0; i < refs.size(); ++i) {
    double acc = score_with(db, i, outcome).accuracy();
    if (!(acc >= entrance || acc == 1.0)) continue;
    bool skip = false;
    for (size_t k = 0; k < list.size(); ++k) {
      if (list[k].reference->name == refs[i].name) {
        if (list[k].accuracy >= acc) skip = true;  // a better one of that name is already listed
        else list.erase(list.begin() + static_cast<std::ptrdiff_t>(k));
        break;
      }
    }
    if (skip) continue;
    if (acc == 1.0) {
      if (r.perfect_matches == kMaxOsMatches) {
        r.status = OsMatchStatus::TooManyMatches;
        break;
      }
      ++r.perfect_matches;
    }
    size_t at = 0;
    while (at < list.size() && list[at].accuracy >= acc) ++at;
    list.insert(list.begin() + static_cast<std::ptrdiff_t>(at), OsGuess{&refs[i], acc});
    if (list.size() > kMaxOsMatches) list.pop_back();
    if (list.size() == kMaxOsMatches) entrance = list.back().accuracy + 0.00001;
  }
  if (list.empty() && r.status == OsMatchStatus::Success) r.status = OsMatchStatus::NoMatches;

  // The list nmap writes as <osmatch> elements.
  if (r.status == OsMatchStatus::Success) {
    if (r.perfect_matches > 0) {
      if (r.perfect_matches <= kMaxOsDetails) {
        r.guesses.assign(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(r.perfect_matches));
        r.perfect = true;
      }
    } else {
      for (size_t k = 0; k < kShownGuesses && k < list.size() && list[k].accuracy > list[0].accuracy - kGuessSpread; ++k)
        r.guesses.push_back(list[k]);
    }
  }
  return r;
}

bool os_tries_done(const OsMatchResult& r) noexcept {
  return r.status == OsMatchStatus::Success && r.perfect_matches > 0;
}

size_t best_os_try(std::span<const OsMatchResult> tries) noexcept {
  double best = 0;
  size_t index = 0;
  for (size_t i = 0; i < tries.size(); ++i) {
    const OsMatchResult& t = tries[i];
    if (t.status == OsMatchStatus::Success && !t.candidates.empty() && t.candidates[0].accuracy > best) {
      best = t.candidates[0].accuracy;
      index = i;
      if (t.perfect_matches > 0) break;
    }
  }
  return index;
}

OsClassification classify_os(const OsMatchResult& result) {
  OsClassification out;
  out.status = OsMatchStatus::Success;
  if (result.status == OsMatchStatus::TooManyMatches) {
    out.status = OsMatchStatus::TooManyMatches;
    return out;
  }
  auto same = [](const OsClass& a, const OsClass& b) {
    return a.vendor == b.vendor && a.family == b.family && a.device_type == b.device_type &&
           a.generation == b.generation;
  };
  for (size_t m = 0; m < result.candidates.size(); ++m) {
    bool perfect = m < result.perfect_matches;
    for (const OsClass& c : result.candidates[m].reference->classes) {
      bool known = false;
      for (const OsClassGuess& g : out.classes) known = known || same(*g.os_class, c);
      if (known) continue;
      if (out.classes.size() == kMaxOsMatches) {
        if (perfect) out.status = OsMatchStatus::TooManyMatches;
        return out;
      }
      // With a perfect class, lesser matches add nothing.
      if (out.perfect_classes > 0 && !perfect) return out;
      out.classes.push_back({&c, result.candidates[m].accuracy});
      if (perfect) ++out.perfect_classes;
    }
  }
  if (out.classes.empty()) out.status = OsMatchStatus::NoMatches;
  return out;
}

std::string omit_submission_reason(const OsScanConditions& c) {
  char text[128];
  if (c.scan_delay_ms > 500) {
    std::snprintf(text, sizeof text, "Scan delay (%d) is greater than 500", c.scan_delay_ms);
    return text;
  }
  if (c.timing_level > 4) return "Timing level 5 (Insane) used";
  if (c.open_tcp_port <= 0) return "Missing an open TCP port so results incomplete";
  if (c.closed_tcp_port <= 0) return "Missing a closed TCP port so results incomplete";
  if (c.distance < -1) {
    std::snprintf(text, sizeof text, "Host distance (%d network hops) appears to be negative", c.distance);
    return text;
  }
  if (c.distance > 5) {
    std::snprintf(text, sizeof text, "Host distance (%d network hops) is greater than five", c.distance);
    return text;
  }
  if (c.max_timing_ratio > 1.4) {
    std::snprintf(text, sizeof text, "maxTimingRatio (%e) is greater than 1.4", c.max_timing_ratio);
    return text;
  }
  if (c.closed_udp_port < 0 && !c.udp_scan) return "Didn't receive UDP response. Please try again with -sSU";
  if (c.incomplete) return "Some probes failed to send so results incomplete";
  return {};
}

namespace {

// Device type, Running and OS CPE (output.cc printosclassificationoutput).
void class_lines(const OsClassification& cls, bool guess, std::vector<std::string>& lines) {
  if (cls.status != OsMatchStatus::Success) return;
  std::vector<std::string> types, cpes, families, generations;
  std::vector<double> family_accuracy;
  bool overflow = false;
  auto add_new = [&](std::vector<std::string>& list, const std::string& item) {
    for (const std::string& s : list) {
      if (s == item) return;
    }
    if (list.size() >= kMaxClassMembers) overflow = true;
    else list.push_back(item);
  };
  const double best = cls.classes.empty() ? 0 : cls.classes[0].accuracy;
  for (size_t k = 0; k < cls.classes.size(); ++k) {
    const OsClass& c = *cls.classes[k].os_class;
    double acc = cls.classes[k].accuracy;
    if ((!guess && k >= cls.perfect_classes) || acc <= best - kGuessSpread || (acc < 1.0 && k > 9)) break;
    add_new(types, c.device_type);
    for (const std::string& cpe : c.cpes) add_new(cpes, cpe);
    std::string family = c.vendor == c.family ? c.family : c.vendor + " " + c.family;
    size_t f = 0;
    while (f < families.size() && families[f] != family) ++f;
    if (f < families.size()) {
      // nmap adds a generation unless the list so far contains it as a substring.
      if (!c.generation.empty() && generations[f].find(c.generation) == std::string::npos) {
        if (!generations[f].empty()) generations[f] += '|';
        generations[f] += c.generation;
      }
      continue;
    }
    if (families.size() >= kMaxClassMembers) {
      overflow = true;
      break;
    }
    families.push_back(family);
    generations.push_back(c.generation);
    family_accuracy.push_back(acc);
  }
  if (overflow || families.empty()) return;
  std::string device = "Device type: ";
  for (size_t i = 0; i < types.size(); ++i) device += (i ? "|" : "") + types[i];
  lines.push_back(device);
  std::string running = cls.perfect_classes == 0 ? "Running (JUST GUESSING): " : "Running: ";
  for (size_t f = 0; f < families.size(); ++f) {
    if (f > 0) running += ", ";
    running += families[f];
    if (!generations[f].empty()) running += " " + generations[f];
    if (f >= cls.perfect_classes) running += " (" + percent_text(family_accuracy[f]) + ")";
  }
  lines.push_back(running);
  if (!cpes.empty()) {
    std::string line = "OS CPE:";
    for (const std::string& cpe : cpes) line += " " + cpe;
    lines.push_back(line);
  }
}

}  // namespace

OsSummary summarize_os(const OsMatchResult& result) {
  OsSummaryOptions options;
  options.guess = result.guess;
  return summarize_os(result, options);
}

OsSummary summarize_os(const OsMatchResult& result, const OsSummaryOptions& options) {
  OsSummary s;
  const bool has_reason = !options.omit_reason.empty();
  const bool chatty = options.verbose > 1 || options.debugging;
  const bool too_many = result.status == OsMatchStatus::TooManyMatches ||
                        (result.perfect_matches > kMaxOsDetails && !options.debugging);
  auto fingerprint = [&](bool wrapped, bool good) {
    s.show_fingerprint = true;
    s.fingerprint_wrapped = wrapped;
    s.fingerprint_good = good;
  };
  if (options.unreliable && !too_many) {
    s.lines.push_back("Warning: OSScan results may be unreliable because we could not find at least 1 open and 1 closed port");
  }
  class_lines(classify_os(result), options.guess || has_reason, s.lines);
  const std::vector<OsGuess>& list = result.candidates;

  if (result.status == OsMatchStatus::Success && (result.perfect_matches <= kMaxOsDetails || options.debugging)) {
    if (result.perfect_matches > 0) {
      std::string details = "OS details: ";
      for (size_t i = 0; i < result.perfect_matches; ++i) details += (i ? ", " : "") + list[i].reference->name;
      s.lines.push_back(details);
      if (chatty) fingerprint(true, !has_reason);
    } else {
      if (chatty && has_reason) s.lines.push_back("OS fingerprint not ideal because: " + options.omit_reason);
      if ((options.guess || has_reason) && !list.empty()) {
        std::string guesses = "Aggressive OS guesses: ";
        for (size_t i = 0; i < kShownGuesses && i < list.size() && (i == 0 || list[i].accuracy > list[0].accuracy - kGuessSpread); ++i) {
          guesses += (i ? ", " : "") + list[i].reference->name + " (" + percent_text(list[i].accuracy) + ")";
        }
        s.lines.push_back(guesses);
      }
      if (!has_reason) {
        s.lines.push_back("No exact OS matches for host (If you know what OS is running on it, see https://nmap.org/submit/ ).");
        fingerprint(true, true);
      } else {
        s.lines.push_back("No exact OS matches for host (test conditions non-ideal).");
        if (chatty) fingerprint(false, false);
      }
    }
  } else if (result.status == OsMatchStatus::NoMatches) {
    if (!has_reason) {
      s.lines.push_back("No OS matches for host (If you know what OS is running on it, see https://nmap.org/submit/ ).");
      fingerprint(true, true);
    } else {
      s.lines.push_back("OS fingerprint not ideal because: " + options.omit_reason);
      s.lines.push_back("No OS matches for host");
      if (chatty) fingerprint(false, false);
    }
  } else {
    s.lines.push_back("Too many fingerprints match this host to give specific OS details");
    if (chatty) fingerprint(false, false);
  }
  return s;
}

}  // namespace portsweep::os
