#pragma once
// The little language of version-field templates (p/…/ v/…/ i/…/ … cpe:/…/):
//   $1 … $9               the text of that capture group (empty if it did not take part)
//   $P(n)                 capture n with every unprintable byte left out (UTF-16 names)
//   $SUBST(n,"from","to") capture n with every "from" replaced by "to"
//   $I(n,">") / $I(n,"<") capture n read as an unsigned big/little-endian integer, in decimal
// Any other '$' is literal. Quoted strings take C escapes (\r \n \t \\ \" \xHH), so
// $SUBST(1,"\r\n",", ") means what its author meant.
#include <string>
#include <string_view>

#include "detect/version_match.hpp"

namespace portsweep {

// Throws std::invalid_argument naming what is wrong (an unclosed helper, a
// group outside 1-9, an unknown byte order …).
std::string expand_version_template(std::string_view templ, const CompiledRegex::Groups& groups);

// The same syntax check without captures: load time runs it on every template
// so a typo is reported with its line number rather than at match time.
void check_version_template(std::string_view templ);

}  // namespace portsweep
