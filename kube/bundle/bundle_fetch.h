#pragma once
// Reads one rule bundle from the API server: the main ConfigMap and its manifest, the part
// ConfigMaps it names, and the bundle Secret when it lists secrets; then verifies every file
// (kube/bundle/bundle_manifest.h).
// An API error that may pass (no answer, 429, 5xx, and NotFound: the operator may still be
// writing the parts) is `transient`, worth a retry with backoff; a bundle that is wrong as
// written (bad manifest, sha256 mismatch, bad gzip) is not: retrying reads the same bytes.
// Thread-safe as Client is.

#include <optional>
#include <string>

#include "kube/bundle/bundle_manifest.h"
#include "kube/client.h"

namespace peregrine::kube::bundle {

struct BundleFetch {
  std::optional<Bundle> bundle;
  std::string error;  // one line, when no bundle
  bool transient = false;
};

BundleFetch fetch_bundle(kube::Client& client, const std::string& ns, const std::string& name);

}  // namespace peregrine::kube::bundle
