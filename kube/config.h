#pragma once
// Where the API server is and how to authenticate to it: from a kubeconfig file (the current
// context or a named one) or from the in-cluster service-account environment.
// Loading reads files once; only the bearer token file is re-read later (see Client), because
// projected service-account tokens rotate while the process runs.

#include <map>
#include <optional>
#include <string>

#include "kube/api_result.h"

namespace peregrine::kube {

struct ClientConfig {
  std::string server;                 // https://host:port, no trailing slash
  std::string ca_file, ca_data;       // PEM; data wins over file
  bool insecure_skip_tls_verify = false;
  std::string token, token_file;      // a file wins over a literal token and is re-read on change
  std::string client_cert_file, client_cert_data;  // PEM
  std::string client_key_file, client_key_data;    // PEM
  std::string default_namespace = "default";
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds connect_timeout{10000};
};

// `context` empty: the kubeconfig's current-context. Errors name the file and the missing piece.
ApiResult<ClientConfig> load_kubeconfig(const std::string& path, const std::string& context = "");

// Reads KUBERNETES_SERVICE_HOST/PORT from `env` and the token, CA and namespace from
// `secrets_dir` (in a pod: /var/run/secrets/kubernetes.io/serviceaccount).
ApiResult<ClientConfig> in_cluster_config(const std::map<std::string, std::string>& env,
                                          const std::string& secrets_dir =
                                              "/var/run/secrets/kubernetes.io/serviceaccount");
// The process environment as a map, for in_cluster_config.
std::map<std::string, std::string> process_environment();

std::optional<std::string> base64_decode(const std::string& text);

}  // namespace peregrine::kube
