#include "agent/config/agent_config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "common/strings.h"

namespace peregrine::agent {
namespace {

constexpr uint32_t kMaxWorkers = 64;

bool is_power_of_two(uint64_t v) { return v && (v & (v - 1)) == 0; }

Status apply_node(const YAML::Node& root, const std::string& origin, AgentConfig& c) {
  if (!root.IsMap()) return make_error(origin + ": the config must be a mapping");
  auto where = [&](const YAML::Node& n, const std::string& key) {
    return origin + ":" + std::to_string(n.Mark().line + 1) + ": " + key;
  };
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (key == "rules") {
      c.rules.clear();
      if (v.IsSequence()) {
        for (const auto& r : v) c.rules.push_back(r.as<std::string>());
      } else {
        c.rules.push_back(v.as<std::string>());
      }
    } else if (key == "output_format") {
      std::string f = v.as<std::string>();
      if (f != "json" && f != "text") return make_error(where(v, key) + " must be json or text, not '" + f + "'");
      c.json = f == "json";
    } else if (key == "json_output") {
      c.json = v.as<bool>();
    } else if (key == "minimum_priority" || key == "priority") {
      auto p = engine::parse_priority(v.as<std::string>());
      if (!p) return make_error(where(v, key) + ": unknown priority '" + v.as<std::string>() + "'");
      c.minimum_priority = *p;
    } else if (key == "rule_matching") {
      std::string m = v.as<std::string>();
      if (m != "first" && m != "all") return make_error(where(v, key) + " must be first or all");
      c.all_matches = m == "all";
    } else if (key == "outputs" && v.IsSequence()) {
      c.outputs = v;  // checked by Dispatcher::from_config, which knows every sink's keys
    } else if (key == "outputs") {
      if (auto s = v["stdout"]; s && s["enabled"]) c.stdout_enabled = s["enabled"].as<bool>();
      if (auto f = v["file"]; f) {
        bool enabled = !f["enabled"] || f["enabled"].as<bool>();
        c.file_output = enabled && f["path"] ? f["path"].as<std::string>() : "";
      }
    } else if (key == "buffers") {
      if (auto r = v["ring_buffer_bytes"]) {
        auto bytes = r.as<uint64_t>();
        if (!is_power_of_two(bytes) || bytes < 4096 || bytes > (1u << 30)) {
          return make_error(where(r, "buffers.ring_buffer_bytes") + " must be a power of two between 4096 and 1 GiB");
        }
        c.ring_buffer_bytes = static_cast<uint32_t>(bytes);
      }
      if (auto q = v["alert_queue"]) c.alert_queue = q.as<uint32_t>();
      if (auto q = v["worker_queue"]) {
        c.worker_queue = q.as<uint32_t>();
        if (c.worker_queue == 0) return make_error(where(q, "buffers.worker_queue") + " must be at least 1");
      }
    } else if (key == "workers") {
      c.workers = v.as<uint32_t>();
      if (c.workers < 1 || c.workers > kMaxWorkers) return make_error(where(v, key) + " must be from 1 to 64");
    } else if (key == "metrics_addr") {
      c.metrics_addr = v.IsNull() ? "" : v.as<std::string>();
    } else if (key == "host_root") {
      c.host_root = v.as<std::string>();
    } else if (key == "node_name") {
      c.node_name = v.IsNull() ? "" : v.as<std::string>();
    } else if (key == "kubeconfig") {
      c.kubeconfig = v.IsNull() ? "" : v.as<std::string>();
    } else if (key == "namespace") {
      c.cluster_namespace = v.as<std::string>();
    } else if (key == "bundle_dir") {
      c.bundle_dir = v.as<std::string>();
    } else if (key == "secrets_dir") {
      c.secrets_dir = v.as<std::string>();
    } else {
      return make_error(where(kv.first, key) + ": unknown key");
    }
  }
  return {};
}

}  // namespace

Status apply_config_yaml(const std::string& text, const std::string& origin, AgentConfig& config) {
  try {
    YAML::Node root = YAML::Load(text);
    if (root.IsNull()) return {};
    return apply_node(root, origin, config);
  } catch (const YAML::Exception& e) {
    return make_error(origin + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

Status load_config_file(const std::string& path, AgentConfig& config) {
  std::ifstream in(path);
  if (!in) return make_error(path + ": cannot open config file");
  std::stringstream ss;
  ss << in.rdbuf();
  config.config_path = path;
  return apply_config_yaml(ss.str(), path, config);
}

Result<std::pair<std::string, int>> parse_host_port(const std::string& addr) {
  size_t colon = addr.rfind(':');
  if (colon == std::string::npos) return make_error("'" + addr + "' is not HOST:PORT");
  auto port = parse_int64(addr.substr(colon + 1));
  if (!port || *port < 0 || *port > 65535) return make_error("'" + addr + "' has no valid port");
  std::string host = addr.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  return std::make_pair(host, static_cast<int>(*port));
}

}  // namespace peregrine::agent
