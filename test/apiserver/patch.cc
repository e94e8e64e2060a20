#include "test/apiserver/patch.h"

#include <map>

namespace peregrine::apiserver {

using nlohmann::json;

json apply_merge_patch(const json& target, const json& patch) {
  if (!patch.is_object()) return patch;
  json result = target.is_object() ? target : json::object();
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    if (it.value().is_null()) {
      result.erase(it.key());
    } else {
      result[it.key()] = apply_merge_patch(result.contains(it.key()) ? result[it.key()] : json(), it.value());
    }
  }
  return result;
}

std::optional<json> apply_json_patch(const json& target, const json& ops, std::string* error) {
  if (!ops.is_array()) {
    *error = "json patch must be an array of operations";
    return std::nullopt;
  }
  json doc = target;
  // nlohmann's patch() implements RFC 6902 and throws on a bad path or failed test; the
  // exception stays inside this function.
  try {
    doc = doc.patch(ops);
  } catch (const json::exception& e) {
    *error = e.what();
    return std::nullopt;
  }
  return doc;
}

namespace {

// Merge keys of the list fields kubectl apply meets in the built-in kinds we serve.
const std::map<std::string, std::string>& merge_keys() {
  static const std::map<std::string, std::string> keys = {
      {"containers", "name"},     {"initContainers", "name"}, {"ephemeralContainers", "name"},
      {"env", "name"},            {"volumes", "name"},        {"volumeMounts", "mountPath"},
      {"volumeDevices", "devicePath"}, {"imagePullSecrets", "name"}, {"ports", "containerPort"},
      {"ownerReferences", "uid"}, {"conditions", "type"},     {"hostAliases", "ip"},
      {"topologySpreadConstraints", "topologyKey"}, {"secrets", "name"}, {"webhooks", "name"}};
  return keys;
}

// Lists of scalars merged as sets rather than replaced.
bool is_set_list(const std::string& field) { return field == "finalizers"; }

json merge_list_by_key(const json& target, const json& patch, const std::string& key) {
  json result = target.is_array() ? target : json::array();
  for (const auto& item : patch) {
    if (!item.is_object() || !item.contains(key)) {
      result.push_back(item);
      continue;
    }
    std::string directive = item.value("$patch", "");
    auto found = result.end();
    for (auto it = result.begin(); it != result.end(); ++it)
      if (it->is_object() && it->contains(key) && (*it)[key] == item[key]) found = it;
    if (directive == "delete") {
      if (found != result.end()) result.erase(found);
      continue;
    }
    if (directive == "replace") {
      json copy = item;
      copy.erase("$patch");
      if (found != result.end()) *found = copy; else result.push_back(copy);
      continue;
    }
    if (found != result.end()) {
      *found = apply_strategic_merge_patch(*found, item);
    } else {
      result.push_back(apply_strategic_merge_patch(json::object(), item));
    }
  }
  return result;
}

}  // namespace

json apply_strategic_merge_patch(const json& target, const json& patch) {
  if (!patch.is_object()) return patch;
  if (patch.value("$patch", "") == "replace") {
    json copy = patch;
    copy.erase("$patch");
    return copy;
  }
  if (patch.value("$patch", "") == "delete") return json();
  json result = target.is_object() ? target : json::object();
  if (patch.contains("$retainKeys") && patch["$retainKeys"].is_array()) {
    json kept = json::object();
    for (const auto& k : patch["$retainKeys"])
      if (k.is_string() && result.contains(k.get<std::string>())) kept[k.get<std::string>()] = result[k.get<std::string>()];
    result = kept;
  }
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    const std::string& field = it.key();
    const json& value = it.value();
    if (field == "$patch" || field == "$retainKeys" || field.rfind("$setElementOrder/", 0) == 0) continue;
    if (field.rfind("$deleteFromPrimitiveList/", 0) == 0) {
      std::string list = field.substr(std::string("$deleteFromPrimitiveList/").size());
      if (result.contains(list) && result[list].is_array() && value.is_array()) {
        json kept = json::array();
        for (const auto& v : result[list])
          if (std::find(value.begin(), value.end(), v) == value.end()) kept.push_back(v);
        result[list] = kept;
      }
      continue;
    }
    if (value.is_null()) {
      result.erase(field);
      continue;
    }
    auto key = merge_keys().find(field);
    if (value.is_array() && key != merge_keys().end()) {
      // A Service's ports merge by `port`, a container's by `containerPort`.
      std::string merge_key = key->second;
      if (field == "ports" && !value.empty() && value[0].is_object() && !value[0].contains("containerPort") &&
          value[0].contains("port"))
        merge_key = "port";
      result[field] = merge_list_by_key(result.contains(field) ? result[field] : json(), value, merge_key);
    } else if (value.is_array() && is_set_list(field)) {
      json merged = result.contains(field) && result[field].is_array() ? result[field] : json::array();
      for (const auto& v : value)
        if (std::find(merged.begin(), merged.end(), v) == merged.end()) merged.push_back(v);
      result[field] = merged;
    } else if (value.is_object()) {
      json merged = apply_strategic_merge_patch(result.contains(field) ? result[field] : json(), value);
      if (merged.is_null()) result.erase(field); else result[field] = merged;
    } else {
      result[field] = value;
    }
  }
  return result;
}

}  // namespace peregrine::apiserver
