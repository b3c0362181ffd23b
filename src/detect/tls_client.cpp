#include "detect/tls_client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/error.hpp"

namespace portsweep {

TlsClient::TlsClient() {
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (ctx_ == nullptr) throw RuntimeFailure(std::string("cannot create a TLS context: ") + tls_error_text());
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
  // Old servers are as interesting as new ones: lowest version and security
  // level the library allows. A peer that just closes counts as a close,
  // not as an error (OpenSSL 3 would call it a truncation attack).
  SSL_CTX_set_min_proto_version(ctx_, 0);
  SSL_CTX_set_security_level(ctx_, 0);
  SSL_CTX_set_cipher_list(ctx_, "ALL:@SECLEVEL=0");
  SSL_CTX_set_options(ctx_, SSL_OP_ALL | SSL_OP_IGNORE_UNEXPECTED_EOF);
  // Probes are written whole from a buffer that may move between retries.
  SSL_CTX_set_mode(ctx_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // Sessions are kept per port by the scanner, not in the context's cache.
  SSL_CTX_set_session_cache_mode(ctx_, SSL_SESS_CACHE_OFF);
}

TlsClient::~TlsClient() { SSL_CTX_free(ctx_); }

const char* tls_error_text() {
  static thread_local char buf[256];
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "no detail from OpenSSL";
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

}  // namespace portsweep
