#include "cli/output_options.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <vector>

#include "common/error.hpp"
#include "common/message_text.hpp"
#include "output/format_registry.hpp"

namespace portsweep {

namespace {

namespace fs = std::filesystem;

// /dev/stdout, /dev/fd/N and /proc/self/fd/N may lead to a regular file (when
// stdout is redirected to one), but they name a stream, not a file to keep.
bool names_a_stream(const std::string& path) {
  const std::string abs = fs::absolute(fs::path(path)).lexically_normal().string();
  return abs.rfind("/dev/", 0) == 0 || abs.rfind("/proc/", 0) == 0;
}

bool is_regular_file(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

struct PlannedOutput {
  std::string format;  // "normal", "xml", ...
  std::string option;  // "-oX" or "-oA sweep" (as said in messages)
  std::string path;    // where this run writes
};

// What identifies a file: its device and inode when it exists, else its
// absolute path with "." and ".." and symbolic links in the existing part
// resolved. Devices and FIFOs have none: writing /dev/null twice is harmless.
std::optional<std::string> file_identity(const std::string& path) {
  if (path == "-") return "-";
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) {
    if (!S_ISREG(info.st_mode)) return std::nullopt;
    return "inode " + std::to_string(info.st_dev) + ":" + std::to_string(info.st_ino);
  }
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::absolute(fs::path(path)), ec);
  return "path " + (ec ? fs::absolute(fs::path(path)).lexically_normal().string() : canonical.string());
}

std::string described(const PlannedOutput& p) {
  if (p.path == "-") return p.option + " -";
  return p.option.find(' ') != std::string::npos ? p.option + " (" + p.path + ")" : p.option + " " + p.path;
}

void check_distinct(const std::vector<PlannedOutput>& planned) {
  std::vector<std::pair<std::string, const PlannedOutput*>> seen;
  for (const PlannedOutput& p : planned) {
    const std::optional<std::string> id = file_identity(p.path);
    if (!id) continue;
    for (const auto& [other_id, other] : seen) {
      if (other_id != *id) continue;
      if (p.path == "-")
        throw UsageError(other->option + " - and " + p.option +
                         " - both write to standard output; expected at most one output there");
      throw UsageError(described(*other) + " and " + described(p) +
                       " name the same file; expected a file of its own for each output");
    }
    seen.emplace_back(*id, &p);
  }
}

}  // namespace

std::string resumed_output_path(const std::string& path) {
  if (path == "-" || !is_regular_file(path) || names_a_stream(path)) return path;
  fs::path p(path);
  for (int n = 1;; ++n) {
    fs::path candidate = p.parent_path() / (p.stem().string() + ".resumed-" + std::to_string(n) +
                                            p.extension().string());
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(candidate, ec))) return candidate.string();
  }
}

void add_outputs(const ScanOptions& o, OutputSet& outputs, bool resuming, std::ostream& err) {
  std::vector<PlannedOutput> planned;
  auto plan = [&](std::string_view format, std::string option, const std::string& path) {
    if (path.empty()) return;
    planned.push_back({std::string(format), std::move(option), path});
  };
  plan("normal", "-oN", o.output_normal);
  plan("xml", "-oX", o.output_xml);
  plan("grepable", "-oG", o.output_grepable);
  plan("skid", "-oS", o.output_skid);
  plan("json", "-oJ", o.output_json);
  if (!o.output_all.empty()) {
    if (o.output_all == "-")
      throw UsageError("Cannot display multiple output types to standard output: -oA - would send normal, XML "
                       "and grepable output there; expected a base name for -oA's three files");
    for (const FormatInfo* f : output_formats())
      if (f->in_all) plan(f->name, "-oA " + o.output_all, o.output_all + f->extension);
  }
  for (const PlannedOutput& p : planned) {
    // As nmap: "-oX -foo" is more likely a mistake than a file name.
    if (p.path.size() > 1 && p.path[0] == '-') {
      const std::string option = p.option.substr(0, 3);
      throw UsageError("output file \"" + p.path + "\" given to " + option + " begins with '-'; expected " + option +
                       " ./" + p.path + " if that is its name");
    }
  }

  if (resuming) {
    for (PlannedOutput& p : planned) {
      std::string where = resumed_output_path(p.path);
      if (where == p.path) continue;
      print_message_line(err, "portsweep: ", p.path + " exists; this resumed run writes " + where);
      p.path = std::move(where);
    }
  }
  check_distinct(planned);

  // Opening creates or checks each file and empties none (OutputFile), so
  // when a later one fails, the earlier ones are closed as they were.
  bool stdout_taken = false;
  WriterOptions files;
  files.append = o.append_output;
  for (const PlannedOutput& p : planned) {
    stdout_taken = stdout_taken || p.path == "-";
    std::error_code ec;
    if (files.append && p.format == "xml" && std::filesystem::file_size(p.path, ec) > 0 && !ec) {
      // As nmap's: the second document follows the first.
      print_message_line(err, "portsweep: ", "--append-output: " + p.path + " already holds an XML document; "
                                             "this scan's follows it, and XML readers take only the first");
    }
    outputs.add(make_writer(p.format, p.path, files));
  }
  if (!stdout_taken) {
    WriterOptions interactive;
    interactive.interactive = true;
    outputs.add(make_writer("normal", "-", interactive));
  }
}

}  // namespace portsweep
