#include "cli/output_options.hpp"

#include <filesystem>

#include "output/format_registry.hpp"

namespace portsweep {

namespace {

std::string fresh_path(const std::string& path, bool resuming) {
  namespace fs = std::filesystem;
  if (!resuming || path == "-" || !fs::exists(path)) return path;
  fs::path p(path);
  for (int n = 1;; ++n) {
    fs::path candidate = p.parent_path() / (p.stem().string() + ".resumed-" + std::to_string(n) +
                                            p.extension().string());
    if (!fs::exists(candidate)) return candidate.string();
  }
}

}  // namespace

void add_outputs(const ScanOptions& o, OutputSet& outputs, bool resuming, std::ostream& err) {
  bool stdout_taken = false;
  auto add = [&](std::string_view format, const std::string& path) {
    if (path.empty()) return;
    std::string where = fresh_path(path, resuming);
    if (where != path) err << "portsweep: " << path << " exists; this resumed run writes " << where << "\n";
    stdout_taken = stdout_taken || where == "-";
    outputs.add(make_writer(format, where));
  };
  add("normal", o.output_normal);
  add("xml", o.output_xml);
  add("grepable", o.output_grepable);
  add("json", o.output_json);
  if (!o.output_all.empty())
    for (const FormatInfo* f : output_formats())
      if (f->in_all) add(f->name, o.output_all + f->extension);
  if (!stdout_taken) {
    WriterOptions interactive;
    interactive.interactive = true;
    outputs.add(make_writer("normal", "-", interactive));
  }
}

}  // namespace portsweep
