#pragma once
// The server side of the webhook's TLS: certificate, key and, when configured, the CA client
// certificates must chain to (kube-apiserver presents the client certificate named in its
// webhook kubeconfig).
//
// The handshake asks for a client certificate but does not fail without a good one: the request
// handler checks the verification result and answers 401, which tells an operator far more than
// a reset connection does. Nothing reaches the audit path unless client_verified() says so.

#include <string>

#include <openssl/ssl.h>

#include "common/result.h"

namespace peregrine::audit {

struct TlsFiles {
  std::string cert;       // PEM certificate chain of the server
  std::string key;        // PEM private key
  std::string client_ca;  // PEM CA bundle for client certificates; empty: no client certificates
};

// Configures `ctx` (TLS 1.2 or newer). Errors name the file and OpenSSL's reason.
Status configure_server_tls(SSL_CTX& ctx, const TlsFiles& files);

// True when the peer of `ssl` presented a certificate that chains to the configured client CA.
bool client_verified(const SSL* ssl);

}  // namespace peregrine::audit
