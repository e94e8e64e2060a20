#include "audit-webhook/request_auth.h"

#include <fstream>
#include <sstream>

#include <openssl/crypto.h>

#include "audit-webhook/tls_setup.h"
#include "common/strings.h"

namespace peregrine::audit {
namespace {

// Compares in time independent of where the strings differ, so response timing does not
// reveal a token prefix. (The length may leak; it is not the secret.)
bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::optional<std::string> RequestAuth::check(std::string_view authorization_header,
                                              const SSL* ssl) const {
  if (require_client_cert_ && !client_verified(ssl))
    return std::string("a client certificate signed by the configured CA is required");
  if (token_) {
    constexpr std::string_view kScheme = "Bearer ";
    std::string_view h = trim(authorization_header);
    if (h.size() < kScheme.size() || !iequals(h.substr(0, kScheme.size()), kScheme))
      return std::string("a bearer token is required");
    if (!same_secret(trim(h.substr(kScheme.size())), *token_))
      return std::string("the bearer token is not valid");
  }
  return std::nullopt;
}

Result<std::string> read_token_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(path + ": cannot read token file");
  std::ostringstream text;
  text << in.rdbuf();
  std::string token(trim(text.str()));
  if (token.empty()) return make_error(path + ": token file is empty");
  return token;
}

}  // namespace peregrine::audit
