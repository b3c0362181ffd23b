#include "detect/xml_element_stream.hpp"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include <cstdarg>
#include <cstdio>
#include <mutex>

#include "common/error.hpp"

namespace portsweep {

namespace {

// No file or URL is ever opened on a document's behalf. The options below
// already keep libxml2 from loading a DTD or an external entity; this loader
// makes sure, whatever a later libxml2 decides. libxml2 has one loader per
// process, and portsweep parses XML nowhere else.
xmlParserInputPtr refuse_to_load(const char*, const char*, xmlParserCtxtPtr) { return nullptr; }

// XML_PARSE_NONET: no network even if something asked. Deliberately absent:
// XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR, XML_PARSE_DTDVALID, XML_PARSE_NOENT
// (each would load or expand declarations) and XML_PARSE_HUGE (which lifts the
// size and depth limits).
constexpr int kOptions = XML_PARSE_NONET;

// libxml2's own error messages end in a newline and some run over two lines
// ("...encoding !\nBytes: 0xFF 0xFE"): one line, spaces between the parts.
std::string one_line(const char* message) {
  std::string out;
  for (const char* p = message; p != nullptr && *p != '\0'; ++p) {
    if (*p == '\n' || *p == '\r') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += *p;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.empty() ? "unknown error" : out;
}

// The first error libxml2 reported. Its "attributes construct error" comes
// before the more useful message of the same fault, so that one gives way.
struct ErrorRecord {
  bool failed = false;
  bool generic = false;
  std::string message;
  int line = 0;

  static void on_error(void* self, xmlErrorPtr e) {
    auto* r = static_cast<ErrorRecord*>(self);
    if (e == nullptr || e->level < XML_ERR_ERROR) return;  // warnings do not stop a read
    if (r->failed && !r->generic) return;
    r->message = one_line(e->message);
    r->line = e->line;
    // Reading a stream, libxml2 says "Extra content at the end of the
    // document" of a file that stops early; its context knows better.
    if (e->code == XML_ERR_DOCUMENT_END && e->ctxt != nullptr) {
      const auto* ctxt = static_cast<const xmlParserCtxt*>(e->ctxt);
      if (ctxt->nameNr > 0 && ctxt->name != nullptr) {
        r->message = "the file ends before <" + std::string(reinterpret_cast<const char*>(ctxt->name)) + "> is closed";
      } else if (ctxt->instate != XML_PARSER_EPILOG) {
        r->message = "the file ends before its root element";
      }
    }
    r->generic = !r->failed && r->message == "attributes construct error";
    r->failed = true;
  }

  // The few places libxml2 prints a plain formatted message.
  static void on_generic(void* self, const char* format, ...) {
    auto* r = static_cast<ErrorRecord*>(self);
    if (r->failed) return;
    char text[256];
    va_list args;
    va_start(args, format);
    std::vsnprintf(text, sizeof text, format, args);
    va_end(args);
    r->message = one_line(text);
    r->failed = true;
  }
};

// Errors libxml2 raises without a parser context (a buffer past its size
// limit) go to the thread's global handlers, which by default print them on
// stderr; while a guard lives they reach the stream's record instead, and
// nothing is printed.
class GlobalErrorsTo {
 public:
  explicit GlobalErrorsTo(ErrorRecord& record)
      : structured_(xmlStructuredError), structured_context_(xmlStructuredErrorContext),
        generic_(xmlGenericError), generic_context_(xmlGenericErrorContext) {
    xmlSetStructuredErrorFunc(&record, &ErrorRecord::on_error);
    xmlSetGenericErrorFunc(&record, &ErrorRecord::on_generic);
  }
  ~GlobalErrorsTo() {
    xmlSetStructuredErrorFunc(structured_context_, structured_);
    xmlSetGenericErrorFunc(generic_context_, generic_);
  }
  GlobalErrorsTo(const GlobalErrorsTo&) = delete;
  GlobalErrorsTo& operator=(const GlobalErrorsTo&) = delete;

 private:
  xmlStructuredErrorFunc structured_;
  void* structured_context_;
  xmlGenericErrorFunc generic_;
  void* generic_context_;
};

// libxml2 pulls the file through these, a chunk at a time.
int read_chunk(void* in, char* buffer, int len) {
  auto* stream = static_cast<std::istream*>(in);
  stream->read(buffer, len);
  return stream->bad() ? -1 : static_cast<int>(stream->gcount());
}
int close_nothing(void*) { return 0; }

}  // namespace

struct XmlElementStream::Parser {
  xmlTextReaderPtr reader = nullptr;
  ErrorRecord errors;

  ~Parser() {
    if (reader != nullptr) xmlFreeTextReader(reader);
  }
};

XmlElementStream::XmlElementStream(std::istream& in, std::string source, std::size_t lines_before)
    : parser_(std::make_unique<Parser>()), in_(in), source_(std::move(source)), lines_before_(lines_before) {
  static std::once_flag init;
  std::call_once(init, [] {
    xmlInitParser();
    xmlSetExternalEntityLoader(&refuse_to_load);
  });
  GlobalErrorsTo guard(parser_->errors);
  parser_->reader = xmlReaderForIO(&read_chunk, &close_nothing, &in, nullptr, nullptr, kOptions);
  if (parser_->reader == nullptr) throw RuntimeFailure("cannot set up an XML parser for \"" + source_ + "\"");
  xmlTextReaderSetStructuredErrorHandler(parser_->reader, &ErrorRecord::on_error, &parser_->errors);
  throw_if_failed();
}

XmlElementStream::~XmlElementStream() = default;

std::size_t XmlElementStream::line() const {
  // An element keeps the line its start tag ends on, up to 65534; past that
  // libxml2 stores 65535, and the parser's own position (at most a chunk
  // further on) is the nearest there is.
  long n = 0;
  if (xmlNodePtr node = xmlTextReaderCurrentNode(parser_->reader); node != nullptr) n = xmlGetLineNo(node);
  if (n <= 0 || n >= 65535) n = xmlTextReaderGetParserLineNumber(parser_->reader);
  return lines_before_ + static_cast<std::size_t>(n > 0 ? n : 1);
}

void XmlElementStream::refuse(const std::string& what) const {
  throw UsageError(source_ + ":" + std::to_string(line()) + ": " + what);
}

void XmlElementStream::throw_if_failed() const {
  const ErrorRecord& e = parser_->errors;
  if (!e.failed) return;
  if (in_.bad()) throw RuntimeFailure("cannot read \"" + source_ + "\": the read failed part way");
  const std::size_t n = e.line > 0 ? lines_before_ + static_cast<std::size_t>(e.line) : line();
  throw UsageError(source_ + ":" + std::to_string(n) + ": XML error: " + e.message +
                   "; expected an XML report as nmap -oX writes it");
}

bool XmlElementStream::next(Element& element) {
  if (pending_end_) {
    pending_end_ = false;
    element = {current_, true};
    return true;
  }
  xmlTextReaderPtr r = parser_->reader;
  for (;;) {
    int status = 0;
    {
      GlobalErrorsTo guard(parser_->errors);
      status = xmlTextReaderRead(r);
    }
    throw_if_failed();
    if (status == 0) return false;
    if (status < 0) {
      parser_->errors.failed = true;
      parser_->errors.message = "the parser stopped";
      throw_if_failed();
    }
    switch (xmlTextReaderNodeType(r)) {
      case XML_READER_TYPE_DOCUMENT_TYPE: {
        // nmap's DOCTYPE is a bare name. Declared entities could expand
        // (nested, or from a file) far past the file's own size: refused at
        // the root element, whose line libxml2 knows (a DOCTYPE's it does
        // not), before any attribute is read.
        const xmlNodePtr dtd = xmlTextReaderCurrentNode(r);
        for (xmlNodePtr child = dtd != nullptr ? dtd->children : nullptr; child != nullptr; child = child->next) {
          entities_declared_ = entities_declared_ || child->type == XML_ENTITY_DECL;
        }
        continue;
      }
      case XML_READER_TYPE_ELEMENT:
      case XML_READER_TYPE_END_ELEMENT: {
        const xmlChar* name = xmlTextReaderConstName(r);
        current_ = name != nullptr ? reinterpret_cast<const char*>(name) : "";
        if (entities_declared_) {
          refuse("the DOCTYPE before <" + current_ + "> declares entities; expected one that declares none, as "
                 "nmap's reports (<!DOCTYPE nmaprun>)");
        }
        const bool end = xmlTextReaderNodeType(r) == XML_READER_TYPE_END_ELEMENT;
        pending_end_ = !end && xmlTextReaderIsEmptyElement(r) == 1;
        element = {current_, end};
        return true;
      }
      default:
        continue;  // text, CDATA, comments, processing instructions
    }
  }
}

std::string XmlElementStream::attribute(std::string_view name, std::size_t max_bytes) const {
  return taken(
      [&] {
        return xmlTextReaderGetAttribute(parser_->reader, reinterpret_cast<const xmlChar*>(std::string(name).c_str()));
      },
      std::string(name) + " of <" + current_ + ">", max_bytes);
}

std::string XmlElementStream::text(std::size_t max_bytes) const {
  return taken([&] { return xmlTextReaderReadString(parser_->reader); }, "the text of <" + current_ + ">", max_bytes);
}

template <typename Read>
std::string XmlElementStream::taken(Read read, const std::string& what, std::size_t max_bytes) const {
  xmlChar* value = nullptr;
  {
    GlobalErrorsTo guard(parser_->errors);
    value = read();
  }
  if (value == nullptr) {
    throw_if_failed();
    return {};
  }
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  if (out.size() > max_bytes)
    refuse(what + " is " + std::to_string(out.size()) + " bytes long; expected at most " + std::to_string(max_bytes));
  return out;
}

}  // namespace portsweep
