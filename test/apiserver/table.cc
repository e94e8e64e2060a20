#include "test/apiserver/table.h"

#include <chrono>
#include <ctime>

namespace peregrine::apiserver {

using nlohmann::json;

bool wants_table(const std::string& accept) { return accept.find("as=Table") != std::string::npos; }

namespace {

// Walks one step of a path over every node selected so far.
json::array_t step(const json::array_t& nodes, const std::string& token) {
  json::array_t out;
  for (const auto& n : nodes)
    if (n.is_object() && n.contains(token)) out.push_back(n[token]);
  return out;
}

json::array_t index_step(const json::array_t& nodes, const std::string& inside) {
  json::array_t out;
  for (const auto& n : nodes) {
    if (!n.is_array()) continue;
    if (inside == "*") {
      for (const auto& e : n) out.push_back(e);
    } else if (inside.rfind("?(@.", 0) == 0 && inside.back() == ')') {
      // ?(@.field=="value")
      std::string cond = inside.substr(4, inside.size() - 5);
      size_t eq = cond.find("==");
      if (eq == std::string::npos) continue;
      std::string field = cond.substr(0, eq);
      std::string value = cond.substr(eq + 2);
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) value = value.substr(1, value.size() - 2);
      for (const auto& e : n)
        if (e.is_object() && e.contains(field) && e[field].is_string() && e[field] == value) out.push_back(e);
    } else {
      char* end = nullptr;
      long i = std::strtol(inside.c_str(), &end, 10);
      if (end && *end == '\0' && i >= 0 && static_cast<size_t>(i) < n.size()) out.push_back(n[i]);
    }
  }
  return out;
}

std::string human_duration(long long seconds) {
  if (seconds < 0) seconds = 0;
  if (seconds < 120) return std::to_string(seconds) + "s";
  long long minutes = seconds / 60;
  if (minutes < 10) return std::to_string(minutes) + "m" + (seconds % 60 ? std::to_string(seconds % 60) + "s" : "");
  if (minutes < 180) return std::to_string(minutes) + "m";
  long long hours = minutes / 60;
  if (hours < 48) return std::to_string(hours) + "h";
  return std::to_string(hours / 24) + "d";
}

std::string age_of(const json& timestamp) {
  if (!timestamp.is_string()) return "<unknown>";
  std::tm tm{};
  if (!strptime(timestamp.get<std::string>().c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return "<invalid>";
  long long then = timegm(&tm);
  long long now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  return human_duration(now - then);
}

json column(const std::string& name, const std::string& type, const std::string& format,
            const std::string& description, int priority) {
  return {{"name", name}, {"type", type}, {"format", format}, {"description", description}, {"priority", priority}};
}

}  // namespace

json eval_json_path(const json& object, const std::string& path) {
  std::string p = path;
  if (!p.empty() && p.front() == '{' && p.back() == '}') p = p.substr(1, p.size() - 2);
  json::array_t nodes = {object};
  size_t i = 0;
  while (i < p.size()) {
    if (p[i] == '.') {
      size_t j = i + 1;
      while (j < p.size() && p[j] != '.' && p[j] != '[') j++;
      if (j > i + 1) nodes = step(nodes, p.substr(i + 1, j - i - 1));
      i = j;
    } else if (p[i] == '[') {
      size_t j = p.find(']', i);
      if (j == std::string::npos) return nullptr;
      nodes = index_step(nodes, p.substr(i + 1, j - i - 1));
      i = j + 1;
    } else {
      return nullptr;
    }
  }
  if (nodes.empty()) return nullptr;
  if (nodes.size() == 1) return nodes[0];
  return nodes;
}

json make_table(const ResourceType& type, const json& objects, const std::string& resource_version,
                const std::string& continue_token) {
  json columns = json::array();
  columns.push_back(column("Name", "string", "name", "Name must be unique within a namespace.", 0));
  const bool crd = !type.crd_name.empty();
  bool custom_columns = crd && !type.printer_columns.empty();
  if (custom_columns) {
    for (const auto& c : type.printer_columns)
      columns.push_back(column(c.value("name", ""), c.value("type", "string"), c.value("format", ""),
                               c.value("description", ""), c.value("priority", 0)));
  } else {
    if (type.kind == "Pod" || type.kind == "Namespace")
      columns.push_back(column("Status", "string", "", "The phase of the object.", 0));
    columns.push_back(column("Age", "string", "", "Time since the object was created.", 0));
  }

  json rows = json::array();
  for (const auto& obj : objects) {
    json cells = json::array();
    cells.push_back(obj["metadata"].value("name", ""));
    if (custom_columns) {
      for (const auto& c : type.printer_columns) {
        json v = eval_json_path(obj, c.value("jsonPath", ""));
        std::string t = c.value("type", "string");
        if (v.is_null()) {
          cells.push_back(nullptr);
        } else if (t == "date") {
          cells.push_back(age_of(v));
        } else if (t == "string" && !v.is_string()) {
          cells.push_back(v.dump());
        } else {
          cells.push_back(v);
        }
      }
    } else {
      if (type.kind == "Pod" || type.kind == "Namespace")
        cells.push_back(eval_json_path(obj, ".status.phase").is_string() ? eval_json_path(obj, ".status.phase") : json(""));
      cells.push_back(age_of(obj["metadata"].value("creationTimestamp", json())));
    }
    rows.push_back({{"cells", cells}, {"object", obj}});
  }
  json meta = {{"resourceVersion", resource_version}};
  if (!continue_token.empty()) meta["continue"] = continue_token;
  return {{"kind", "Table"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", meta},
          {"columnDefinitions", columns}, {"rows", rows}};
}

}  // namespace peregrine::apiserver
