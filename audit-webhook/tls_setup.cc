#include "audit-webhook/tls_setup.h"

#include <openssl/err.h>
#include <openssl/x509.h>

namespace peregrine::audit {
namespace {

// The most recent OpenSSL error as text, clearing the thread's error queue.
std::string openssl_reason() {
  unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

Error file_error(const std::string& what, const std::string& path) {
  return make_error(what + " " + path + ": " + openssl_reason());
}

// Lets the handshake finish whatever the verdict; OpenSSL still records the verdict, which
// client_verified() reads (see the header for why).
int accept_and_record(int /*preverify_ok*/, X509_STORE_CTX* /*ctx*/) { return 1; }

}  // namespace

Status configure_server_tls(SSL_CTX& ctx, const TlsFiles& files) {
  ERR_clear_error();
  if (SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION) != 1)
    return make_error("cannot require TLS 1.2: " + openssl_reason());
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_use_certificate_chain_file(&ctx, files.cert.c_str()) != 1)
    return file_error("cannot load TLS certificate", files.cert);
  if (SSL_CTX_use_PrivateKey_file(&ctx, files.key.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      return make_error("TLS key " + files.key + " does not match certificate " + files.cert);
    }
    return file_error("cannot load TLS key", files.key);
  }
  if (SSL_CTX_check_private_key(&ctx) != 1)
    return make_error("TLS key " + files.key + " does not match certificate " + files.cert);
  if (files.client_ca.empty()) return {};

  if (SSL_CTX_load_verify_locations(&ctx, files.client_ca.c_str(), nullptr) != 1)
    return file_error("cannot load client CA", files.client_ca);
  // The CA names sent in the CertificateRequest, so clients pick the right certificate.
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(files.client_ca.c_str());
  if (names == nullptr) return file_error("no CA certificate in", files.client_ca);
  SSL_CTX_set_client_CA_list(&ctx, names);  // takes ownership
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, accept_and_record);
  return {};
}

bool client_verified(const SSL* ssl) {
  if (ssl == nullptr) return false;
  X509* peer = SSL_get0_peer_certificate(ssl);
  return peer != nullptr && SSL_get_verify_result(ssl) == X509_V_OK;
}

}  // namespace peregrine::audit
