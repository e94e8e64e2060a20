#include "test/apiserver/webhook_client.h"

#include <chrono>
#include <memory>
#include <optional>

#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace peregrine::apiserver {

namespace {

struct ParsedUrl {
  std::string host;
  int port = 443;
  std::string path = "/";
};

std::optional<ParsedUrl> parse_https_url(const std::string& url) {
  const std::string scheme = "https://";
  if (url.rfind(scheme, 0) != 0) return std::nullopt;
  std::string rest = url.substr(scheme.size());
  ParsedUrl out;
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) out.path = rest.substr(slash);
  size_t colon = authority.rfind(':');
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    size_t close = authority.find(']');
    if (close == std::string::npos) return std::nullopt;
    out.host = authority.substr(1, close - 1);
    colon = authority.find(':', close);
  } else {
    out.host = authority.substr(0, colon);
  }
  if (colon != std::string::npos) {
    try {
      out.port = std::stoi(authority.substr(colon + 1));
    } catch (...) {
      return std::nullopt;
    }
  }
  if (out.host.empty() || out.port <= 0 || out.port > 65535) return std::nullopt;
  return out;
}

std::optional<std::string> base64_decode(const std::string& in) {
  static const std::string digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=' || c == '\n' || c == '\r') continue;
    size_t v = digits.find(c);
    if (v == std::string::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509StoreFree {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};

// Every certificate in `pem`, or null when there is none.
std::unique_ptr<X509_STORE, X509StoreFree> store_from_pem(const std::string& pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::unique_ptr<X509_STORE, X509StoreFree> store(X509_STORE_new());
  if (!bio || !store) return nullptr;
  int added = 0;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    if (X509_STORE_add_cert(store.get(), cert) == 1) ++added;
    X509_free(cert);
  }
  if (added == 0) return nullptr;
  return store;
}

}  // namespace

std::string webhook_request_url(const WebhookEndpoint& endpoint) {
  return endpoint.url + "?timeout=" + std::to_string(endpoint.timeout_seconds) + "s";
}

WebhookCallResult post_admission_review(const WebhookEndpoint& endpoint, const std::string& body) {
  const std::string shown = webhook_request_url(endpoint);
  WebhookCallResult result;
  auto fail = [&](const std::string& why) {
    result.error = "Post \"" + shown + "\": " + why;
    return result;
  };
  auto url = parse_https_url(endpoint.url);
  if (!url) return fail("unsupported URL (only https://host[:port][/path] is)");

  httplib::SSLClient client(url->host, url->port);
  if (!endpoint.ca_bundle.empty()) {
    auto pem = base64_decode(endpoint.ca_bundle);
    auto store = pem ? store_from_pem(*pem) : nullptr;
    if (!store) return fail("tls: caBundle holds no PEM certificate");
    client.set_ca_cert_store(store.release());  // the client's SSL context owns it from here
  }
  client.enable_server_certificate_verification(true);
  const auto timeout = std::chrono::seconds(endpoint.timeout_seconds);
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);

  const std::string path = url->path + "?timeout=" + std::to_string(endpoint.timeout_seconds) + "s";
  const auto start = std::chrono::steady_clock::now();
  httplib::Headers headers = {{"Accept", "application/json"}};
  auto res = client.Post(path, headers, body, "application/json");
  if (!res) {
    long verify = client.get_openssl_verify_result();
    switch (res.error()) {
      case httplib::Error::SSLServerVerification:
        if (verify != X509_V_OK)
          return fail(std::string("tls: failed to verify certificate: x509: ") + X509_verify_cert_error_string(verify));
        return fail("tls: failed to verify certificate: x509: certificate is not valid for " + url->host);
      case httplib::Error::Connection:
        return fail("dial tcp " + url->host + ":" + std::to_string(url->port) + ": connect failed (refused or unreachable)");
      case httplib::Error::ConnectionTimeout:
        return fail("context deadline exceeded");
      case httplib::Error::Read:
        if (std::chrono::steady_clock::now() - start >= timeout) return fail("context deadline exceeded");
        return fail("EOF");
      default:
        return fail(httplib::to_string(res.error()));
    }
  }
  if (res->status != 200) {
    std::string text = res->body.substr(0, 256);
    return fail("the server responded with the status code " + std::to_string(res->status) +
                (text.empty() ? std::string(" but did not return more information") : ": " + text));
  }
  result.ok = true;
  result.body = std::move(res->body);
  return result;
}

}  // namespace peregrine::apiserver
