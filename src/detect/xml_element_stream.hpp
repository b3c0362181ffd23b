#pragma once
// The elements of an XML file one at a time, in document order, read with
// libxml2's streaming reader (xmlTextReader): the file is parsed a chunk at a
// time and no document tree is kept, so reading a report of any size holds
// only the element being looked at. Saved scans come from anywhere, so the
// parser is locked down: no network, no DTD or external entity is ever loaded
// (a DOCTYPE naming nmap.dtd is read as a name, not fetched), a DOCTYPE that
// declares entities is refused before any of them could expand, and libxml2's
// default limits (no XML_PARSE_HUGE: 10 MB per text, 256 levels deep) stay
// on. Malformed XML is a UsageError naming the file and line.
#include <cstddef>
#include <istream>
#include <memory>
#include <string>
#include <string_view>

namespace portsweep {

class XmlElementStream {
 public:
  // Reads `in` from its current position; `lines_before` lines of the file
  // were consumed before it (they count in the line numbers of errors).
  XmlElementStream(std::istream& in, std::string source, std::size_t lines_before = 0);
  ~XmlElementStream();
  XmlElementStream(const XmlElementStream&) = delete;
  XmlElementStream& operator=(const XmlElementStream&) = delete;

  struct Element {
    std::string_view name;  // valid until the next call of next()
    bool end = false;       // the element's end; an empty element (<a/>) gives its start, then its end
  };

  // The next start or end of an element; false at the end of the document.
  // Throws UsageError when the XML is not well-formed.
  bool next(Element& element);

  // The attribute `name` of the element whose start next() gave last, with
  // entities and character references replaced; empty when it is absent.
  // A value longer than `max_bytes` is refused (UsageError naming it).
  std::string attribute(std::string_view name, std::size_t max_bytes = kMaxAttribute) const;
  static constexpr std::size_t kMaxAttribute = 4096;
  // The text inside the element whose start next() gave last (<cpe>TEXT</cpe>),
  // bounded as attribute() is.
  std::string text(std::size_t max_bytes = kMaxAttribute) const;

  // "FILE:LINE: what", LINE being the one where the current element's tag
  // ends.
  [[noreturn]] void refuse(const std::string& what) const;

 private:
  struct Parser;
  std::size_t line() const;
  // The string libxml2's `read` returns (freed here), refused past
  // `max_bytes` as `what` ("x of <port>").
  template <typename Read>
  std::string taken(Read read, const std::string& what, std::size_t max_bytes) const;
  void throw_if_failed() const;

  std::unique_ptr<Parser> parser_;
  std::istream& in_;
  std::string source_;
  std::size_t lines_before_;
  std::string current_;       // the name of the element next() gave last
  bool pending_end_ = false;  // the element just started was empty: its end comes next
  bool entities_declared_ = false;
};

}  // namespace portsweep
