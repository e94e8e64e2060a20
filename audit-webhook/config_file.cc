#include "audit-webhook/config_file.h"

#include <chrono>
#include <limits>
#include <optional>
#include <type_traits>

#include <yaml-cpp/yaml.h>

#include "common/strings.h"

namespace peregrine::audit {
namespace {

std::string where(const std::string& path, const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (m.line < 0) return path;
  return path + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  Status fail(const YAML::Node& node, const std::string& message) const {
    return make_error(where(path_, node) + ": " + message);
  }

  Status string(const YAML::Node& node, const std::string& key, std::string& out) const {
    if (!node.IsScalar()) return fail(node, key + " must be a string");
    out = node.Scalar();
    return {};
  }

  Status strings(const YAML::Node& node, const std::string& key,
                 std::vector<std::string>& out) const {
    out.clear();
    if (node.IsScalar()) {
      out.push_back(node.Scalar());
      return {};
    }
    if (!node.IsSequence()) return fail(node, key + " must be a list of paths");
    for (const auto& item : node) {
      if (!item.IsScalar()) return fail(item, key + " entries must be paths");
      out.push_back(item.Scalar());
    }
    return {};
  }

  Status number(const YAML::Node& node, const std::string& key, uint64_t max,
                uint64_t& out) const {
    auto v = node.IsScalar() ? parse_uint64(node.Scalar()) : std::nullopt;
    if (!v || *v > max)
      return fail(node, key + " must be a whole number from 0 to " + std::to_string(max));
    out = *v;
    return {};
  }

  Status flag(const YAML::Node& node, const std::string& key, bool& out) const {
    std::string s = node.IsScalar() ? to_lower(node.Scalar()) : "";
    if (s == "true") out = true;
    else if (s == "false") out = false;
    else return fail(node, key + " must be true or false");
    return {};
  }

 private:
  std::string path_;
};

Status apply_key(const Reader& r, const std::string& key, const YAML::Node& v,
                 CommandSettings& s) {
  WebhookConfig& w = s.webhook;
  uint64_t n = 0;
  constexpr uint64_t kBig = std::numeric_limits<uint32_t>::max();
  if (key == "listen") {
    std::string text;
    if (Status st = r.string(v, key, text); !st) return st;
    if (Status st = parse_listen_address(text, w.server.host, w.server.port); !st)
      return r.fail(v, st.error().message);
    return {};
  }
  if (key == "path") return r.string(v, key, w.server.path);
  if (key == "rules") return r.strings(v, key, w.rule_paths);
  if (key == "tls_cert") return r.string(v, key, w.server.tls.cert);
  if (key == "tls_key") return r.string(v, key, w.server.tls.key);
  if (key == "client_ca") return r.string(v, key, w.server.tls.client_ca);
  if (key == "token_file") return r.string(v, key, s.token_file);
  if (key == "output") {
    std::string f;
    if (Status st = r.string(v, key, f); !st) return st;
    if (f != "json" && f != "text") return r.fail(v, "output must be json or text");
    s.format = f == "json" ? AlertFormat::kJson : AlertFormat::kText;
    return {};
  }
  if (key == "outputs") {
    // Checked by Dispatcher::from_config, which knows every sink's keys.
    if (!v.IsSequence() && !v.IsNull()) return r.fail(v, "outputs must be a list of sinks");
    s.outputs = v;
    return {};
  }
  if (key == "all_matches") {
    bool all = false;
    if (Status st = r.flag(v, key, all); !st) return st;
    w.evaluation.matching = all ? engine::RuleMatching::kAll : engine::RuleMatching::kFirst;
    return {};
  }
  auto set_number = [&](uint64_t max, auto& field, uint64_t min = 0) -> Status {
    if (Status st = r.number(v, key, max, n); !st) return st;
    if (n < min) return r.fail(v, key + " must be at least " + std::to_string(min));
    field = static_cast<std::remove_reference_t<decltype(field)>>(n);
    return {};
  };
  if (key == "max_body_bytes") return set_number(kBig, w.server.max_body_bytes, 1);
  if (key == "queue_capacity") return set_number(kBig, w.queue_capacity, 1);
  if (key == "evaluation_threads") return set_number(256, w.evaluation.threads, 1);
  if (key == "http_threads") return set_number(1024, w.server.http_threads, 1);
  if (key == "read_timeout_ms" || key == "write_timeout_ms" || key == "reload_interval_ms") {
    if (Status st = r.number(v, key, kBig, n); !st) return st;
    std::chrono::milliseconds ms(static_cast<int64_t>(n));
    if (key == "read_timeout_ms") w.server.read_timeout = ms;
    else if (key == "write_timeout_ms") w.server.write_timeout = ms;
    else w.reload_poll = ms;
    return {};
  }
  return r.fail(v, "unknown setting '" + key + "'");
}

}  // namespace

Status parse_listen_address(const std::string& text, std::string& host, int& port) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos)
    return make_error("listen address '" + text + "' must be HOST:PORT");
  std::string h = text.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  auto p = parse_uint64(text.substr(colon + 1));
  if (h.empty() || !p || *p > 65535)
    return make_error("listen address '" + text + "' must be HOST:PORT with a port up to 65535");
  host = h;
  port = static_cast<int>(*p);
  return {};
}

Status apply_config_file(const std::string& path, CommandSettings& settings) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return make_error(path + ": cannot read configuration file");
  } catch (const YAML::Exception& e) {
    return make_error(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                      std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  settings.config_path = path;
  if (root.IsNull()) return {};
  Reader reader(path);
  if (!root.IsMap()) return reader.fail(root, "the configuration must be a mapping of settings");
  try {
    for (const auto& entry : root) {
      if (!entry.first.IsScalar()) return reader.fail(entry.first, "setting names must be text");
      if (Status s = apply_key(reader, entry.first.Scalar(), entry.second, settings); !s) return s;
    }
  } catch (const YAML::Exception& e) {
    return make_error(path + ": " + e.what());
  }
  return {};
}

}  // namespace peregrine::audit
