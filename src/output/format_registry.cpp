#include "output/format_registry.hpp"

#include <deque>
#include <mutex>
#include <vector>

#include "common/error.hpp"

namespace portsweep {

namespace {

// Formats register themselves from their own files' static initialisers
// (the core library is linked whole, so no file is dropped); a function-local
// registry is constructed on first use, whatever the initialisation order.
struct Registry {
  std::mutex mutex;
  std::deque<FormatInfo> formats;  // a deque keeps handed-out pointers valid
};

Registry& registry() {
  static Registry r;
  return r;
}

// Unlocked lookup; the caller holds the mutex.
FormatInfo* lookup(Registry& r, std::string_view key) {
  for (FormatInfo& f : r.formats) {
    if (f.name == key || (key.size() == 1 && key[0] == f.letter)) return &f;
  }
  return nullptr;
}

}  // namespace

void register_format(FormatInfo info) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  for (FormatInfo& f : r.formats) {
    if (f.name == info.name) {
      f = std::move(info);
      return;
    }
  }
  r.formats.push_back(std::move(info));
}

const FormatInfo* find_format(std::string_view name_or_letter) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  return lookup(r, name_or_letter);
}

std::vector<const FormatInfo*> output_formats() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  std::vector<const FormatInfo*> out;
  for (const FormatInfo& f : r.formats) out.push_back(&f);
  return out;
}

std::unique_ptr<OutputFormat> make_writer(std::string_view format, const std::string& path,
                                          const WriterOptions& options) {
  const FormatInfo* f = find_format(format);
  if (f == nullptr) {
    std::string known;
    for (const FormatInfo* k : output_formats()) known += (known.empty() ? "" : ", ") + k->name;
    throw UsageError("Unknown output format \"" + std::string(format) + "\"; expected one of " +
                     known + ".");
  }
  return f->make(path, options);
}

}  // namespace portsweep
