// The list of built-in output formats. They are named here by hand rather
// than registering themselves from static constructors: the project links a
// static library, and the linker drops an object file nothing refers to,
// static constructor and all. Naming each format here pulls its file in.
#include <vector>

#include "output/format_registry.hpp"

namespace portsweep {

// Each defined in the format's own file.
FormatInfo normal_format_info();
FormatInfo xml_format_info();
FormatInfo grepable_format_info();
FormatInfo json_format_info();

std::vector<FormatInfo> builtin_formats();
std::vector<FormatInfo> builtin_formats() {
  std::vector<FormatInfo> formats;
  formats.push_back(normal_format_info());
  formats.push_back(xml_format_info());
  formats.push_back(grepable_format_info());
  formats.push_back(json_format_info());
  return formats;
}

}  // namespace portsweep
