#include "outputs/config/settings.h"

#include <fstream>
#include <sstream>

#include "common/strings.h"

namespace peregrine::outputs {

Error Settings::error(const std::string& key, const std::string& what) const {
  return make_error(where_ + ": '" + key + "' " + what);
}

YAML::Node Settings::get(const std::string& key) {
  seen_.insert(key);
  if (!node_.IsMap()) return YAML::Node();
  return node_[key];
}

Result<std::string> Settings::string(const std::string& key, const std::string& fallback) {
  YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  if (!n.IsScalar()) return error(key, "must be a string");
  return n.Scalar();
}

Result<std::string> Settings::required_string(const std::string& key) {
  auto s = string(key, "");
  if (!s.ok()) return s;
  if (s->empty()) return error(key, "is required");
  return s;
}

Result<int64_t> Settings::integer(const std::string& key, int64_t fallback, int64_t min,
                                  int64_t max) {
  YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  auto v = n.IsScalar() ? parse_int64(n.Scalar()) : std::nullopt;
  if (!v) return error(key, "must be an integer");
  if (*v < min || *v > max)
    return error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  return *v;
}

Result<bool> Settings::boolean(const std::string& key, bool fallback) {
  YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  if (n.IsScalar()) {
    if (n.Scalar() == "true") return true;
    if (n.Scalar() == "false") return false;
  }
  return error(key, "must be true or false");
}

Result<std::vector<std::string>> Settings::string_list(const std::string& key) {
  YAML::Node n = get(key);
  std::vector<std::string> out;
  if (!n.IsDefined() || n.IsNull()) return out;
  if (!n.IsSequence()) return error(key, "must be a list of strings");
  for (const auto& item : n) {
    if (!item.IsScalar()) return error(key, "must be a list of strings");
    out.push_back(item.Scalar());
  }
  return out;
}

Result<std::map<std::string, std::string>> Settings::string_map(const std::string& key) {
  YAML::Node n = get(key);
  std::map<std::string, std::string> out;
  if (!n.IsDefined() || n.IsNull()) return out;
  if (!n.IsMap()) return error(key, "must be a mapping of strings");
  for (const auto& kv : n) {
    if (!kv.first.IsScalar() || !kv.second.IsScalar())
      return error(key, "must be a mapping of strings");
    out[kv.first.Scalar()] = kv.second.Scalar();
  }
  return out;
}

Result<Settings> Settings::child(const std::string& key) {
  YAML::Node n = get(key);
  if (n.IsDefined() && !n.IsNull() && !n.IsMap()) return error(key, "must be a mapping");
  return Settings(n.IsDefined() ? n : YAML::Node(YAML::NodeType::Map), where_ + "." + key, *context_);
}

Result<std::string> Settings::read_file(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  if (!in) return error(key, "names a file that cannot be read: " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

Result<std::string> Settings::path(const std::string& key) {
  auto p = string(key, "");
  if (!p.ok() || p->empty() || (*p)[0] == '/') return p;
  return context_->base_dir + "/" + *p;
}

Result<std::map<std::string, std::string>> Settings::file_map(const std::string& key) {
  auto paths = string_map(key);
  if (!paths.ok()) return paths;
  std::map<std::string, std::string> out;
  for (const auto& [name, file] : *paths) {
    std::string resolved = !file.empty() && file[0] == '/' ? file : context_->base_dir + "/" + file;
    auto text = read_file(resolved, key + "." + name);
    if (!text.ok()) return text.error();
    out[name] = *text;
  }
  return out;
}

Result<std::optional<std::string>> Settings::secret(const std::string& key) {
  if (YAML::Node inline_value = get(key); inline_value.IsDefined() && !inline_value.IsNull())
    return error(key, "is a credential: give it as '" + key + "File' (a path) or '" + key +
                          "SecretRef' ({name, key}), never inline");
  auto file = path(key + "File");
  if (!file.ok()) return file.error();
  YAML::Node ref = get(key + "SecretRef");
  bool has_ref = ref.IsDefined() && !ref.IsNull();
  if (!file->empty() && has_ref) return error(key, "has both a File and a SecretRef; give one");
  if (!file->empty()) {
    auto text = read_file(*file, key + "File");
    if (!text.ok()) return text.error();
    return std::optional<std::string>(*text);
  }
  if (!has_ref) return std::optional<std::string>();
  auto ref_path = secret_ref_path(ref, key + "SecretRef");
  if (!ref_path.ok()) return ref_path.error();
  auto text = read_file(*ref_path, key + "SecretRef");
  if (!text.ok()) return text.error();
  return std::optional<std::string>(*text);
}

Result<std::string> Settings::secret_ref_path(const YAML::Node& ref, const std::string& key) const {
  if (!ref.IsMap() || !ref["name"].IsScalar() || !ref["key"].IsScalar())
    return error(key, "must be {name: SECRET, key: KEY}");
  const std::string name = ref["name"].Scalar(), item = ref["key"].Scalar();
  if (name.empty() || item.empty() || name.find('/') != std::string::npos ||
      item.find('/') != std::string::npos || name == ".." || item == ".." || name == "." ||
      item == ".")
    return error(key, "name and key must be non-empty and may not contain '/'");
  return context_->secrets_dir + "/" + name + "/" + item;
}

Result<std::map<std::string, std::string>> Settings::secret_ref_map(const std::string& key) {
  YAML::Node n = get(key);
  std::map<std::string, std::string> out;
  if (!n.IsDefined() || n.IsNull()) return out;
  if (!n.IsMap()) return error(key, "must be a mapping of {name, key} references");
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) return error(key, "must be a mapping of {name, key} references");
    const std::string entry = key + "." + kv.first.Scalar();
    auto ref_path = secret_ref_path(kv.second, entry);
    if (!ref_path.ok()) return ref_path.error();
    auto text = read_file(*ref_path, entry);
    if (!text.ok()) return text.error();
    out[kv.first.Scalar()] = *text;
  }
  return out;
}

Result<std::string> Settings::file_or_secret_path(const std::string& key) {
  auto file = path(key + "File");
  if (!file.ok()) return file;
  YAML::Node ref = get(key + "SecretRef");
  if (!ref.IsDefined() || ref.IsNull()) return file;
  if (!file->empty()) return error(key, "has both a File and a SecretRef; give one");
  return secret_ref_path(ref, key + "SecretRef");
}

Status Settings::check_no_unknown_keys() {
  if (!node_.IsMap()) return {};
  std::vector<std::string> known(seen_.begin(), seen_.end());
  for (const auto& kv : node_) {
    std::string key = kv.first.Scalar();
    if (seen_.count(key)) continue;
    std::string hint;
    if (auto close = closest_match(key, known)) hint = " (did you mean '" + *close + "'?)";
    return make_error(where_ + ": unknown key '" + key + "'" + hint);
  }
  return {};
}

}  // namespace peregrine::outputs
