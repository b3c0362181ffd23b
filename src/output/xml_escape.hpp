#pragma once
// Text made safe for an XML attribute value or comment.
#include <cstdint>
#include <string>
#include <string_view>

namespace portsweep {

// Escapes the markup characters; writes the second of two adjacent dashes as
// "&#45;" so the text may also sit inside a comment (nmap does the same);
// turns control characters XML 1.0 cannot carry, and bytes that are not
// UTF-8, into '?' so the document always parses.
std::string xml_escape(std::string_view text);

// ` name="value"`, the value escaped: one attribute as the XML writers
// append it to an element.
std::string xml_attr(std::string_view name, std::string_view value);
std::string xml_attr(std::string_view name, int64_t value);

}  // namespace portsweep
