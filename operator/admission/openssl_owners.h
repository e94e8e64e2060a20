#pragma once
// RAII owners for the OpenSSL objects the admission code makes, and PEM text in and out.

#include <memory>
#include <string>
#include <vector>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/result.h"

namespace peregrine::op::admission {

template <auto Free>
struct OpenSslDeleter {
  template <typename T>
  void operator()(T* p) const { Free(p); }
};

using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;
using PKeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;

// "<what>: <OpenSSL's queued reasons>", and clears the queue.
Error openssl_error(const std::string& what);

// Every certificate of a PEM text, in order; an error when there is none or one is malformed.
Result<std::vector<X509Ptr>> certificates_from_pem(const std::string& pem);
Result<PKeyPtr> private_key_from_pem(const std::string& pem);
std::string certificate_pem(X509* cert);
std::string private_key_pem(EVP_PKEY* key);

}  // namespace peregrine::op::admission
