#include "os/fingerprint_text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "common/error.hpp"
#include "common/message_text.hpp"

namespace portsweep::os {
namespace {

constexpr size_t kWrapWidth = 72;  // characters after "OS:" in a wrapped row

[[noreturn]] void bad(const std::string& what) { throw UsageError("bad OS fingerprint text: " + what); }

// The rows of the text, XML's encoded newline decoded.
std::vector<std::string_view> rows_of(std::string_view text, std::string& storage) {
  if (text.find("&#") != std::string_view::npos) {
    storage.clear();
    for (size_t i = 0; i < text.size();) {
      size_t skip = 0;
      for (std::string_view entity : {"&#xa;", "&#xA;", "&#10;"}) {
        if (text.substr(i, entity.size()) == entity) skip = entity.size();
      }
      if (skip > 0) {
        storage += '\n';
        i += skip;
      } else {
        storage += text[i++];
      }
    }
    text = storage;
  }
  std::vector<std::string_view> rows;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view row = trim_blanks(text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    if (!row.empty()) rows.push_back(row);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return rows;
}

bool known_line(std::string_view name) {
  return std::find(std::begin(kFingerprintLineNames), std::end(kFingerprintLineNames), name) !=
         std::end(kFingerprintLineNames);
}

int line_rank(std::string_view name) {
  auto it = std::find(std::begin(kFingerprintLineNames), std::end(kFingerprintLineNames), name);
  return static_cast<int>(it - std::begin(kFingerprintLineNames));
}

}  // namespace

SubjectFingerprintText parse_subject_text(std::string_view text) {
  std::string storage;
  std::vector<std::string_view> rows = rows_of(text, storage);
  if (!rows.empty() && rows.front() == "TCP/IP fingerprint:") rows.erase(rows.begin());
  if (rows.empty()) bad("no fingerprint lines; expected SCAN(...)SEQ(...)... as nmap prints it");
  bool wrapped = rows.front().starts_with("OS:");
  std::string joined;
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string_view row = rows[i];
    if (wrapped) {
      if (!row.starts_with("OS:")) {
        bad("row " + std::to_string(i + 1) + " " + quoted_excerpt(row) +
            " does not start with OS:; expected every row of a wrapped fingerprint to");
      }
      row.remove_prefix(3);
    }
    joined += row;
  }

  SubjectFingerprintText out;
  std::string_view rest = joined;
  while (!rest.empty()) {
    size_t open = rest.find('(');
    if (open == std::string_view::npos) bad("text " + quoted_excerpt(rest) + " has no '('; expected LINE(TEST=VALUE%...)");
    std::string_view name = rest.substr(0, open);
    bool alnum = !name.empty();
    for (char c : name) alnum = alnum && std::isalnum(static_cast<unsigned char>(c));
    if (!alnum) bad("bad line name " + quoted_excerpt(name) + "; expected SCAN, SEQ, OPS, WIN, ECN, T1-T7, U1 or IE");
    if (name != "SCAN" && !known_line(name)) {
      bad("unknown line " + std::string(name) + "; expected SCAN, SEQ, OPS, WIN, ECN, T1-T7, U1 or IE");
    }
    size_t close = rest.find(')', open);
    if (close == std::string_view::npos) bad("line " + std::string(name) + " has no closing ')'");
    FingerprintLine line;
    line.name = name;
    std::string_view body = rest.substr(open + 1, close - open - 1);
    while (!body.empty()) {
      size_t pct = body.find('%');
      std::string_view item = body.substr(0, pct);
      size_t eq = item.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        bad("test " + quoted_excerpt(item) + " in line " + line.name + "; expected TEST=VALUE");
      }
      std::string_view test = item.substr(0, eq);
      if (line.value(test) != nullptr) bad("test " + line.name + "." + std::string(test) + " appears twice");
      line.tests.push_back({std::string(test), std::string(item.substr(eq + 1))});
      if (pct == std::string_view::npos) break;
      body.remove_prefix(pct + 1);
      if (body.empty()) bad("line " + line.name + " ends in '%'; expected another TEST=VALUE");
    }
    if (line.name == "SCAN") {
      if (!out.scan.name.empty()) bad("two SCAN lines; expected one");
      out.scan = std::move(line);
    } else {
      out.fingerprint.lines.push_back(std::move(line));
    }
    rest.remove_prefix(close + 1);
  }
  if (out.fingerprint.lines.empty()) bad("no test lines; expected SEQ(...), OPS(...), ... after SCAN");
  return out;
}

Fingerprint parse_subject_fingerprint(std::string_view text) { return parse_subject_text(text).fingerprint; }

FingerprintLine scan_line(const ScanLineInfo& info) {
  FingerprintLine l{"SCAN", {}};
  auto add = [&](const char* name, std::string value) { l.tests.push_back({name, std::move(value)}); };
  auto port = [](int p) { return p == -1 ? std::string() : std::to_string(p); };
  std::tm local{};
  bool have_time = localtime_r(&info.when, &local) != nullptr;
  add("V", info.version);
  add("E", info.engine);
  add("D", std::to_string(have_time ? local.tm_mon + 1 : 0) + "/" + std::to_string(have_time ? local.tm_mday : 0));
  add("OT", port(info.open_tcp_port));
  add("CT", port(info.closed_tcp_port));
  add("CU", port(info.closed_udp_port));
  add("PV", info.private_address ? "Y" : "N");
  if (info.distance != -1) add("DS", std::to_string(info.distance));
  if (info.distance_method != '\0') add("DC", std::string(1, info.distance_method));
  add("G", info.good ? "Y" : "N");
  if (info.mac_prefix) {
    char mac[8];
    std::snprintf(mac, sizeof mac, "%02X%02X%02X", (*info.mac_prefix)[0], (*info.mac_prefix)[1], (*info.mac_prefix)[2]);
    add("M", mac);
  }
  char tm[16];
  std::snprintf(tm, sizeof tm, "%X", static_cast<unsigned>(static_cast<int>(info.when)));
  add("TM", tm);
  add("P", info.platform);
  return l;
}

Fingerprint merge_tries(std::span<const Fingerprint> tries) {
  std::vector<const FingerprintLine*> all;
  for (const Fingerprint& fp : tries) {
    for (const FingerprintLine& l : fp.lines) all.push_back(&l);
  }
  std::stable_sort(all.begin(), all.end(), [](const FingerprintLine* a, const FingerprintLine* b) {
    return line_rank(a->name) < line_rank(b->name);
  });
  auto same_tests = [](const FingerprintLine& a, const FingerprintLine& b) {
    if (a.tests.size() != b.tests.size()) return false;
    for (size_t i = 0; i < a.tests.size(); ++i) {
      if (a.tests[i].name != b.tests[i].name) return false;
    }
    return true;
  };
  Fingerprint out;
  for (const FingerprintLine* l : all) {
    bool duplicate = false;
    for (const FingerprintLine& kept : out.lines) {
      if (kept.name == l->name && same_tests(kept, *l)) {
        duplicate = true;
        break;
      }
    }
    if (!duplicate) out.lines.push_back(*l);
  }
  return out;
}

std::string format_subject_text(const FingerprintLine& scan, const Fingerprint& fp, bool wrap) {
  std::string merged;
  if (!scan.name.empty()) {
    merged += format_line(scan);
    if (!wrap) merged += '\n';
  }
  for (const FingerprintLine& l : fp.lines) {
    merged += format_line(l);
    if (!wrap) merged += '\n';
  }
  if (!wrap) return merged;
  std::string out;
  for (size_t i = 0; i < merged.size(); i += kWrapWidth) {
    out += "OS:";
    out.append(merged, i, kWrapWidth);
    out += '\n';
  }
  return out;
}

}  // namespace portsweep::os
