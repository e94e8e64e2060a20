#include "operator/admission/openssl_owners.h"

#include <openssl/err.h>
#include <openssl/pem.h>

namespace peregrine::op::admission {
namespace {

BioPtr memory_bio(const std::string& text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string drain(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

}  // namespace

Error openssl_error(const std::string& what) {
  std::string reasons;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    reasons += (reasons.empty() ? "" : "; ") + std::string(buf);
  }
  return make_error(reasons.empty() ? what : what + ": " + reasons);
}

Result<std::vector<X509Ptr>> certificates_from_pem(const std::string& pem) {
  BioPtr bio = memory_bio(pem);
  if (!bio) return openssl_error("cannot read PEM");
  std::vector<X509Ptr> out;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(cert);
  // The loop ends with "no start line" after the last certificate; anything else is damage.
  unsigned long last = ERR_peek_last_error();
  if (ERR_GET_REASON(last) == PEM_R_NO_START_LINE) ERR_clear_error();
  if (out.empty() || ERR_peek_error() != 0) return openssl_error("not a PEM certificate chain");
  return out;
}

Result<PKeyPtr> private_key_from_pem(const std::string& pem) {
  BioPtr bio = memory_bio(pem);
  if (!bio) return openssl_error("cannot read PEM");
  PKeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return openssl_error("not a PEM private key");
  return key;
}

std::string certificate_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return "";
  return drain(bio.get());
}

std::string private_key_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) return "";
  return drain(bio.get());
}

}  // namespace peregrine::op::admission
