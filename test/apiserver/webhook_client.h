#pragma once
// One HTTPS POST to an admission webhook's `clientConfig.url`, verifying the server's
// certificate (chain and host name) against `clientConfig.caBundle` (base64 of PEM) or, when that
// is empty, the system's trust store. Blocking; safe to call from several threads at once (each
// call has its own client).

#include <string>

namespace peregrine::apiserver {

struct WebhookEndpoint {
  std::string url;        // https://host[:port][/path]
  std::string ca_bundle;  // base64 of one or more PEM certificates, as in the API object
  int timeout_seconds = 10;
};

struct WebhookCallResult {
  bool ok = false;
  std::string body;   // the response body of a 200 answer
  std::string error;  // otherwise: `Post "URL?timeout=Ns": <why>`, in the style of Go's HTTP client
};

// The URL actually requested: `url` with `?timeout=Ns` appended, as the real API server does so
// that the webhook knows how long it has.
std::string webhook_request_url(const WebhookEndpoint& endpoint);

WebhookCallResult post_admission_review(const WebhookEndpoint& endpoint, const std::string& body);

}  // namespace peregrine::apiserver
