#pragma once
// Every error and warning portsweep prints goes through here on its way to
// the terminal. Messages quote what the user gave (a target, a file's first
// line, an attribute of a saved scan), and what the user gave may be the bytes
// of a binary file: echoed raw, they would ring the bell, move the cursor or
// recolour the terminal, and a newline in them would break the "one line per
// error" rule scripts rely on. So a message is made printable at the one
// place it leaves the program, whoever built it.
#include <ostream>
#include <string>
#include <string_view>

namespace portsweep {

// `text` made safe for one terminal line: control bytes, bytes that are not
// valid UTF-8, C1 controls and the Unicode line separators and bidirectional
// overrides are written as \xNN (one escape per byte); valid UTF-8 otherwise
// passes through. A quoted value ("...") longer than kMaxQuoted characters is
// cut to that many, followed by "...", and the whole line to kMaxMessage
// characters (its start and end kept), so a megabyte of one word cannot flood
// the terminal.
inline constexpr size_t kMaxQuoted = 80;
inline constexpr size_t kMaxMessage = 1024;
std::string printable_text(std::string_view text);

// `s` without the blanks (space, tab, CR, LF, VT, FF) at either end: a
// data file's line or field as its parser reads it.
std::string_view trim_blanks(std::string_view s);

// `s` in double quotes for an error line, cut to `max` characters and "...".
std::string quoted_excerpt(std::string_view s, size_t max = 60);

// Writes `prefix`, printable_text(message) and one newline.
void print_message_line(std::ostream& out, std::string_view prefix, std::string_view message);

}  // namespace portsweep
