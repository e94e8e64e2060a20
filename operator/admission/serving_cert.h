#pragma once
// The webhook's serving certificate: read from PEM files, or made at start-up — a self-signed
// CA (whose certificate becomes the webhook configuration's caBundle) and a serving certificate
// it signs for the Service's DNS names and 127.0.0.1. Keys are ECDSA P-256 and stay in memory.
//
// Pure functions; thread-safe. Errors carry OpenSSL's reason.

#include <chrono>
#include <string>
#include <vector>

#include "common/result.h"

namespace peregrine::op::admission {

struct ServingCertificate {
  std::string cert_pem;  // the serving certificate (then any intermediates)
  std::string key_pem;   // its private key (PKCS#8)
  std::string ca_pem;    // what clients verify it with: the caBundle
};

// `<service>`, `<service>.<ns>`, `<service>.<ns>.svc`, `<service>.<ns>.svc.cluster.local`.
std::vector<std::string> service_dns_names(const std::string& service, const std::string& ns);

// A fresh CA and a serving certificate for `dns_names` (the first is also the subject CN) and
// `ip_addresses` (IPv4 or IPv6 text), valid from a few minutes ago for `validity`.
Result<ServingCertificate> generate_serving_certificate(
    const std::vector<std::string>& dns_names, const std::vector<std::string>& ip_addresses,
    std::chrono::hours validity = std::chrono::hours(24 * 365));

// Reads a certificate chain and key (e.g. a cert-manager Secret mounted as files) and checks
// that they match. `ca_file` empty: the chain's last certificate is the caBundle (right for a
// self-signed certificate or a chain that ends in its root).
Result<ServingCertificate> load_serving_certificate(const std::string& cert_file, const std::string& key_file,
                                                    const std::string& ca_file = "");

}  // namespace peregrine::op::admission
