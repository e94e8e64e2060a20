#include "operator/admission/serving_cert.h"

#include <fstream>
#include <sstream>

#include <openssl/bn.h>
#include <openssl/x509v3.h>

#include "operator/admission/openssl_owners.h"

namespace peregrine::op::admission {
namespace {

using BigNumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION_free>>;

Result<PKeyPtr> new_key() {
  PKeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return openssl_error("cannot generate an EC key");
  return key;
}

// Adds extension `nid` with OpenSSL's config-syntax `value`, in the context of issuer → subject.
Status add_extension(X509* subject, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, subject, nullptr, nullptr, 0);
  ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(subject, ext.get(), -1) != 1)
    return openssl_error("cannot add extension " + std::string(OBJ_nid2sn(nid)) + " = " + value);
  return {};
}

// A certificate for `key` named `common_name`, not yet signed and without extensions.
Result<X509Ptr> new_certificate(EVP_PKEY* key, const std::string& common_name, std::chrono::hours validity) {
  X509Ptr cert(X509_new());
  BigNumPtr serial(BN_new());
  if (!cert || !serial || X509_set_version(cert.get(), 2) != 1 ||
      BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())))
    return openssl_error("cannot make a certificate");
  // A few minutes of slack for clocks of the API servers that are behind ours.
  constexpr long kBackdateSeconds = 5 * 60;
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()),
                       static_cast<long>(std::chrono::seconds(validity).count())) ||
      X509_set_pubkey(cert.get(), key) != 1 ||
      X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0) != 1)
    return openssl_error("cannot fill in a certificate");
  return cert;
}

bool valid_dns_name(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '*')) return false;
  return true;
}

bool valid_ip(const std::string& ip) {
  if (ip.empty()) return false;
  for (char c : ip)
    if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':')) return false;
  return true;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::vector<std::string> service_dns_names(const std::string& service, const std::string& ns) {
  return {service, service + "." + ns, service + "." + ns + ".svc", service + "." + ns + ".svc.cluster.local"};
}

Result<ServingCertificate> generate_serving_certificate(const std::vector<std::string>& dns_names,
                                                        const std::vector<std::string>& ip_addresses,
                                                        std::chrono::hours validity) {
  if (dns_names.empty()) return make_error("a serving certificate needs at least one DNS name");
  std::string alt_names;
  for (const auto& n : dns_names) {
    if (!valid_dns_name(n)) return make_error("not a DNS name: '" + n + "'");
    alt_names += (alt_names.empty() ? "DNS:" : ",DNS:") + n;
  }
  for (const auto& ip : ip_addresses) {
    if (!valid_ip(ip)) return make_error("not an IP address: '" + ip + "'");
    alt_names += ",IP:" + ip;
  }

  auto ca_key = new_key();
  if (!ca_key.ok()) return ca_key.error();
  auto ca = new_certificate(ca_key->get(), "peregrine-webhook-ca", validity);
  if (!ca.ok()) return ca.error();
  X509* ca_cert = ca->get();
  if (X509_set_issuer_name(ca_cert, X509_get_subject_name(ca_cert)) != 1)
    return openssl_error("cannot name the CA");
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                            std::pair{NID_key_usage, "critical,keyCertSign,cRLSign"},
                            std::pair{NID_subject_key_identifier, "hash"}})
    if (Status st = add_extension(ca_cert, ca_cert, nid, value); !st) return st.error();
  if (X509_sign(ca_cert, ca_key->get(), EVP_sha256()) <= 0) return openssl_error("cannot sign the CA");

  auto key = new_key();
  if (!key.ok()) return key.error();
  auto leaf = new_certificate(key->get(), dns_names.front(), validity);
  if (!leaf.ok()) return leaf.error();
  X509* cert = leaf->get();
  if (X509_set_issuer_name(cert, X509_get_subject_name(ca_cert)) != 1)
    return openssl_error("cannot set the issuer");
  for (auto [nid, value] : {std::pair{NID_basic_constraints, std::string("critical,CA:FALSE")},
                            std::pair{NID_key_usage, std::string("critical,digitalSignature")},
                            std::pair{NID_ext_key_usage, std::string("serverAuth")},
                            std::pair{NID_authority_key_identifier, std::string("keyid:always")},
                            std::pair{NID_subject_alt_name, alt_names}})
    if (Status st = add_extension(cert, ca_cert, nid, value); !st) return st.error();
  if (X509_sign(cert, ca_key->get(), EVP_sha256()) <= 0)
    return openssl_error("cannot sign the serving certificate");

  ServingCertificate out{certificate_pem(cert), private_key_pem(key->get()), certificate_pem(ca_cert)};
  if (out.cert_pem.empty() || out.key_pem.empty() || out.ca_pem.empty())
    return openssl_error("cannot write PEM");
  return out;
}

Result<ServingCertificate> load_serving_certificate(const std::string& cert_file, const std::string& key_file,
                                                    const std::string& ca_file) {
  auto cert_pem = read_file(cert_file);
  if (!cert_pem.ok()) return cert_pem.error();
  auto key_pem = read_file(key_file);
  if (!key_pem.ok()) return key_pem.error();
  auto chain = certificates_from_pem(*cert_pem);
  if (!chain.ok()) return make_error(cert_file + ": " + chain.error().message);
  auto key = private_key_from_pem(*key_pem);
  if (!key.ok()) return make_error(key_file + ": " + key.error().message);
  if (X509_check_private_key(chain->front().get(), key->get()) != 1)
    return openssl_error(key_file + " is not the key of the certificate in " + cert_file);
  ServingCertificate out{*cert_pem, *key_pem, ""};
  if (ca_file.empty()) {
    out.ca_pem = certificate_pem(chain->back().get());
  } else {
    auto ca = read_file(ca_file);
    if (!ca.ok()) return ca.error();
    if (auto parsed = certificates_from_pem(*ca); !parsed.ok())
      return make_error(ca_file + ": " + parsed.error().message);
    out.ca_pem = *ca;
  }
  return out;
}

}  // namespace peregrine::op::admission
