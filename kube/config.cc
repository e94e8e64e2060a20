#include "kube/config.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

extern char** environ;

namespace peregrine::kube {

namespace {

ApiError config_error(std::string message) { return ApiError{0, "Config", std::move(message), {}}; }

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Relative paths in a kubeconfig are relative to the file itself.
std::string resolve(const std::filesystem::path& base, const std::string& p) {
  if (p.empty() || std::filesystem::path(p).is_absolute()) return p;
  return (base.parent_path() / p).string();
}

std::string str(const YAML::Node& node, const char* key) {
  if (!node || !node.IsMap() || !node[key] || !node[key].IsScalar()) return "";
  return node[key].as<std::string>();
}

YAML::Node find_named(const YAML::Node& list, const std::string& name, const char* inner) {
  if (!list || !list.IsSequence()) return YAML::Node();
  for (const auto& item : list)
    if (str(item, "name") == name) return item[inner];
  return YAML::Node();
}

ApiResult<ClientConfig> from_yaml(const YAML::Node& root, const std::string& path, std::string context) {
  if (context.empty()) context = str(root, "current-context");
  if (context.empty()) return config_error(path + ": no current-context and no context given");
  YAML::Node ctx = find_named(root["contexts"], context, "context");
  if (!ctx || !ctx.IsMap()) return config_error(path + ": context \"" + context + "\" not found");
  std::string cluster_name = str(ctx, "cluster"), user_name = str(ctx, "user");
  YAML::Node cluster = find_named(root["clusters"], cluster_name, "cluster");
  if (!cluster || !cluster.IsMap()) return config_error(path + ": cluster \"" + cluster_name + "\" not found");
  YAML::Node user = user_name.empty() ? YAML::Node() : find_named(root["users"], user_name, "user");

  ClientConfig c;
  std::filesystem::path base(path);
  c.server = str(cluster, "server");
  while (!c.server.empty() && c.server.back() == '/') c.server.pop_back();
  if (c.server.empty()) return config_error(path + ": cluster \"" + cluster_name + "\" has no server");
  c.ca_file = resolve(base, str(cluster, "certificate-authority"));
  if (auto data = str(cluster, "certificate-authority-data"); !data.empty()) {
    auto pem = base64_decode(data);
    if (!pem) return config_error(path + ": certificate-authority-data is not base64");
    c.ca_data = *pem;
  }
  c.insecure_skip_tls_verify = str(cluster, "insecure-skip-tls-verify") == "true";
  c.token = str(user, "token");
  c.token_file = resolve(base, str(user, "tokenFile"));
  c.client_cert_file = resolve(base, str(user, "client-certificate"));
  c.client_key_file = resolve(base, str(user, "client-key"));
  for (auto [key, out] : {std::pair{"client-certificate-data", &c.client_cert_data},
                          std::pair{"client-key-data", &c.client_key_data}}) {
    if (auto data = str(user, key); !data.empty()) {
      auto pem = base64_decode(data);
      if (!pem) return config_error(path + ": " + key + " is not base64");
      *out = *pem;
    }
  }
  if (auto ns = str(ctx, "namespace"); !ns.empty()) c.default_namespace = ns;
  return c;
}

}  // namespace

std::optional<std::string> base64_decode(const std::string& text) {
  // A table rather than range tests: rule bundles decode hundreds of KiB per agent per reload.
  static constexpr auto kValue = [] {
    std::array<int8_t, 256> t{};
    t.fill(-1);
    for (int i = 0; i < 26; ++i) t['A' + i] = static_cast<int8_t>(i), t['a' + i] = static_cast<int8_t>(26 + i);
    for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<int8_t>(52 + i);
    t['+'] = 62;
    t['/'] = 63;
    for (char skipped : {'=', '\n', '\r', ' '}) t[static_cast<unsigned char>(skipped)] = -2;
    return t;
  }();
  std::string out;
  out.reserve(text.size() / 4 * 3 + 3);
  uint32_t bits = 0, acc = 0;
  for (char ch : text) {
    const int v = kValue[static_cast<unsigned char>(ch)];
    if (v < 0) {
      if (v == -2) continue;
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

ApiResult<ClientConfig> load_kubeconfig(const std::string& path, const std::string& context) {
  auto text = read_file(path);
  if (!text) return config_error(path + ": cannot read kubeconfig");
  // yaml-cpp reports errors by exception; they stop here.
  try {
    return from_yaml(YAML::Load(*text), path, context);
  } catch (const YAML::Exception& e) {
    return config_error(path + ": " + e.what());
  }
}

ApiResult<ClientConfig> in_cluster_config(const std::map<std::string, std::string>& env,
                                          const std::string& secrets_dir) {
  auto host = env.find("KUBERNETES_SERVICE_HOST");
  auto port = env.find("KUBERNETES_SERVICE_PORT");
  if (host == env.end() || port == env.end() || host->second.empty() || port->second.empty())
    return config_error("not in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set");
  ClientConfig c;
  bool ipv6 = host->second.find(':') != std::string::npos;
  c.server = "https://" + (ipv6 ? "[" + host->second + "]" : host->second) + ":" + port->second;
  c.token_file = secrets_dir + "/token";
  if (!read_file(c.token_file)) return config_error(c.token_file + ": cannot read service-account token");
  c.ca_file = secrets_dir + "/ca.crt";
  if (auto ns = read_file(secrets_dir + "/namespace")) {
    while (!ns->empty() && (ns->back() == '\n' || ns->back() == ' ')) ns->pop_back();
    if (!ns->empty()) c.default_namespace = *ns;
  }
  return c;
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

}  // namespace peregrine::kube
