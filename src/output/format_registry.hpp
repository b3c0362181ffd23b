#pragma once
// The output formats by name and by nmap option letter (-oN, -oX, -oG, -oJ).
// Adding a format means adding one file that calls register_format() from a
// static initialiser (see json_format.cpp), and listing it in meson.build.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "output/output_format.hpp"

namespace portsweep {

// Makes a writer for `path` ("-" is standard output); throws RuntimeFailure
// when the path cannot be opened.
using WriterFactory =
    std::function<std::unique_ptr<OutputFormat>(const std::string& path, const WriterOptions& options)>;

struct FormatInfo {
  std::string name;         // "normal", "xml", "grepable", "json"
  char letter = 0;          // the N of -oN
  std::string extension;    // what -oA appends to its base name: ".nmap"
  bool in_all = false;      // -oA writes it
  std::string description;  // one line for --help
  WriterFactory make;
};

// Adds a format, or replaces the one of the same name.
void register_format(FormatInfo info);
// By name ("xml") or option letter ("X"); nullptr when unknown.
const FormatInfo* find_format(std::string_view name_or_letter);
// Every format, in registration order (built-in ones first).
std::vector<const FormatInfo*> output_formats();
// find_format() then make(); throws UsageError naming an unknown format.
std::unique_ptr<OutputFormat> make_writer(std::string_view format, const std::string& path,
                                          const WriterOptions& options = {});

}  // namespace portsweep
