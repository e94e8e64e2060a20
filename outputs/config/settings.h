#pragma once
// Typed, error-reporting reads of one sink's YAML mapping. Every error names the sink and the
// key ("outputs[2] (siem): 'timeoutMs' must be an integer"), and unknown keys are errors with a
// did-you-mean hint, so a typo cannot silently disable a setting. yaml-cpp exceptions stop here.
//
// Credentials: secret(key) accepts only `<key>File: PATH` or `<key>SecretRef: {name, key}`;
// an inline `<key>` is rejected, so no token is ever in a rendered ConfigMap.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/result.h"
#include "outputs/config/config_context.h"

namespace peregrine::outputs {

class Settings {
 public:
  Settings(YAML::Node node, std::string where, const ConfigContext& context)
      : node_(std::move(node)), where_(std::move(where)), context_(&context) {}

  Result<std::string> string(const std::string& key, const std::string& fallback);
  Result<std::string> required_string(const std::string& key);
  Result<int64_t> integer(const std::string& key, int64_t fallback, int64_t min, int64_t max);
  Result<bool> boolean(const std::string& key, bool fallback);
  Result<std::vector<std::string>> string_list(const std::string& key);
  Result<std::map<std::string, std::string>> string_map(const std::string& key);
  // A nested mapping (e.g. `tls`), empty node when absent.
  Result<Settings> child(const std::string& key);
  // The secret named `key`, read from `<key>File` or `<key>SecretRef`; nullopt when neither is
  // given. Trailing newlines are trimmed (as `kubectl create secret --from-file` keeps them).
  Result<std::optional<std::string>> secret(const std::string& key);
  // `key: {Name: PATH, ...}` → {Name: contents of PATH}: e.g. headers that carry credentials.
  Result<std::map<std::string, std::string>> file_map(const std::string& key);
  // `key: {Name: {name, key}, ...}` → {Name: contents of the mounted Secret file}: the form the
  // operator renders FalcoOutput `headerSecretRefs` in.
  Result<std::map<std::string, std::string>> secret_ref_map(const std::string& key);
  // The path of a file given as `<key>File: PATH` or `<key>SecretRef: {name, key}` (the mounted
  // Secret's file, e.g. a TLS CA); "" when neither. The file is read later by its user.
  Result<std::string> file_or_secret_path(const std::string& key);
  // A file path (relative ones resolve against base_dir); "" when absent.
  Result<std::string> path(const std::string& key);
  // Marks `key` as allowed without reading it (read by someone else).
  void allow(const std::string& key) { seen_.insert(key); }
  // Fails on any key that no read or allow() mentioned.
  Status check_no_unknown_keys();

  const std::string& where() const { return where_; }
  const ConfigContext& context() const { return *context_; }
  Error error(const std::string& key, const std::string& what) const;

 private:
  YAML::Node get(const std::string& key);
  Result<std::string> read_file(const std::string& path, const std::string& key);
  // <secrets_dir>/<name>/<key> of a `{name, key}` reference found under `key`.
  Result<std::string> secret_ref_path(const YAML::Node& ref, const std::string& key) const;

  YAML::Node node_;
  std::string where_;
  const ConfigContext* context_;
  std::set<std::string> seen_;
};

}  // namespace peregrine::outputs
