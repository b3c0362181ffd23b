#pragma once
// The OpenSSL client context version detection speaks TLS with. It has to
// reach whatever a port runs, so it verifies nothing and allows every
// protocol version and cipher the library still has.
#include <openssl/ssl.h>

namespace portsweep {

class TlsClient {
 public:
  TlsClient();
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  SSL_CTX* context() const { return ctx_; }

 private:
  SSL_CTX* ctx_ = nullptr;
};

// The first error on OpenSSL's queue, as text; the queue is then cleared.
const char* tls_error_text();

}  // namespace portsweep
