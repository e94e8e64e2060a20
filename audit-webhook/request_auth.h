#pragma once
// Who may post audit events: every configured credential must be presented. With a client CA,
// a client certificate that chains to it; with a token, `Authorization: Bearer <token>`.
// kube-apiserver's webhook kubeconfig can carry both.

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <openssl/ssl.h>

#include "common/result.h"

namespace peregrine::audit {

class RequestAuth {
 public:
  RequestAuth(bool require_client_cert, std::optional<std::string> token)
      : require_client_cert_(require_client_cert), token_(std::move(token)) {}

  bool enabled() const { return require_client_cert_ || token_.has_value(); }

  // nullopt when the request may proceed, else why not (for the 401 body; never echoes a
  // credential). `ssl` is the connection's TLS state, null on plain HTTP.
  std::optional<std::string> check(std::string_view authorization_header, const SSL* ssl) const;

 private:
  bool require_client_cert_;
  std::optional<std::string> token_;
};

// Reads a bearer token file: its content without surrounding white space. Errors when the file
// cannot be read or holds no token.
Result<std::string> read_token_file(const std::string& path);

}  // namespace peregrine::audit
