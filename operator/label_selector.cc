#include "operator/label_selector.h"

#include <algorithm>

namespace peregrine::op {

using nlohmann::json;

Labels labels_of(const json& object) {
  Labels out;
  if (!object.is_object() || !object.contains("metadata")) return out;
  const json& labels = object["metadata"].value("labels", json::object());
  if (!labels.is_object()) return out;
  for (const auto& [k, v] : labels.items())
    if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}

Result<bool> selector_matches(const json& selector, const Labels& labels) {
  if (selector.is_null()) return true;
  if (!selector.is_object()) return make_error("nodeSelector is not an object");
  bool match = true;
  if (auto it = selector.find("matchLabels"); it != selector.end() && !it->is_null()) {
    if (!it->is_object()) return make_error("matchLabels is not an object");
    for (const auto& [k, v] : it->items()) {
      if (!v.is_string()) return make_error("matchLabels['" + k + "'] is not a string");
      auto l = labels.find(k);
      if (l == labels.end() || l->second != v.get<std::string>()) match = false;
    }
  }
  if (auto it = selector.find("matchExpressions"); it != selector.end() && !it->is_null()) {
    if (!it->is_array()) return make_error("matchExpressions is not a list");
    for (size_t i = 0; i < it->size(); ++i) {
      const json& req = (*it)[i];
      std::string where = "matchExpressions[" + std::to_string(i) + "]";
      if (!req.is_object() || !req.contains("key") || !req["key"].is_string())
        return make_error(where + " has no key");
      std::string key = req["key"].get<std::string>();
      std::string op = req.value("operator", "");
      std::vector<std::string> values;
      for (const auto& v : req.value("values", json::array()))
        if (v.is_string()) values.push_back(v.get<std::string>());
      auto l = labels.find(key);
      bool present = l != labels.end();
      bool in = present && std::find(values.begin(), values.end(), l->second) != values.end();
      if (op == "In" || op == "NotIn") {
        if (values.empty()) return make_error(where + ": operator " + op + " needs values");
        if (op == "In" ? !in : in) match = false;
      } else if (op == "Exists" || op == "DoesNotExist") {
        if (!values.empty()) return make_error(where + ": operator " + op + " takes no values");
        if (op == "Exists" ? !present : present) match = false;
      } else {
        return make_error(where + ": unknown operator '" + op + "'");
      }
    }
  }
  return match;
}

}  // namespace peregrine::op
