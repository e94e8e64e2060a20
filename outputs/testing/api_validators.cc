#include "outputs/testing/api_validators.h"

#include <regex>

#include <nlohmann/json.hpp>

namespace peregrine::outputs::testing {
namespace {

using nlohmann::json;

std::string expect_json_post(const ReceivedRequest& r, json& body) {
  if (r.method != "POST") return "method is " + r.method + ", not POST";
  if (r.header("Content-Type").rfind("application/json", 0) != 0)
    return "Content-Type is '" + r.header("Content-Type") + "', not application/json";
  body = json::parse(r.body, nullptr, false);
  if (body.is_discarded()) return "body is not JSON";
  return "";
}

bool is_label_name(const std::string& s) {
  static const std::regex re("[a-zA-Z_][a-zA-Z0-9_]*");
  return std::regex_match(s, re);
}

std::string falco_alert_problem(const json& a) {
  if (!a.is_object()) return "alert is not an object";
  for (const char* key : {"time", "rule", "priority", "source", "hostname", "output"})
    if (!a.contains(key) || !a[key].is_string()) return std::string("alert lacks string '") + key + "'";
  if (!a.contains("tags") || !a["tags"].is_array()) return "alert lacks 'tags' array";
  if (!a.contains("output_fields") || !a["output_fields"].is_object()) return "alert lacks 'output_fields'";
  static const std::regex rfc3339(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)");
  if (!std::regex_match(a["time"].get<std::string>(), rfc3339)) return "time is not RFC 3339 UTC";
  return "";
}

}  // namespace

std::string validate_falco_alert(const ReceivedRequest& r) {
  json body;
  if (auto p = expect_json_post(r, body); !p.empty()) return p;
  return falco_alert_problem(body);
}

std::string validate_slack(const ReceivedRequest& r) {
  json b;
  if (auto p = expect_json_post(r, b); !p.empty()) return p;
  if (!b.is_object()) return "body is not an object";
  if (!b.contains("text") || !b["text"].is_string() || b["text"].get<std::string>().empty())
    return "no non-empty 'text' (required unless blocks are given)";
  if (b.contains("attachments")) {
    if (!b["attachments"].is_array()) return "'attachments' is not an array";
    static const std::regex color("#[0-9a-fA-F]{6}|good|warning|danger");
    for (const auto& a : b["attachments"]) {
      if (!a.is_object()) return "attachment is not an object";
      if (a.contains("color") && !std::regex_match(a["color"].get<std::string>(), color))
        return "attachment color is not #rrggbb or good/warning/danger";
      if (a.contains("fields")) {
        for (const auto& f : a["fields"])
          if (!f.is_object() || !f["title"].is_string() || !f["value"].is_string() ||
              (f.contains("short") && !f["short"].is_boolean()))
            return "attachment field is not {title: string, value: string, short: bool}";
      }
    }
  }
  return "";
}

std::string validate_teams(const ReceivedRequest& r) {
  json b;
  if (auto p = expect_json_post(r, b); !p.empty()) return p;
  if (b.value("@type", "") != "MessageCard") return "'@type' is not MessageCard";
  std::string ctx = b.value("@context", "");
  if (ctx != "https://schema.org/extensions" && ctx != "http://schema.org/extensions")
    return "'@context' is not schema.org/extensions";
  if (b.value("summary", "").empty() && b.value("text", "").empty())
    return "a MessageCard needs 'summary' or 'text'";
  if (b.contains("themeColor") &&
      !std::regex_match(b["themeColor"].get<std::string>(), std::regex("[0-9a-fA-F]{6}")))
    return "'themeColor' is not a hex colour";
  if (b.contains("sections")) {
    for (const auto& s : b["sections"])
      for (const auto& f : s.value("facts", json::array()))
        if (!f["name"].is_string() || !f["value"].is_string()) return "fact is not {name, value}";
  }
  return "";
}

std::string validate_loki(const ReceivedRequest& r) {
  if (r.path != "/loki/api/v1/push") return "path is not /loki/api/v1/push";
  json b;
  if (auto p = expect_json_post(r, b); !p.empty()) return p;
  if (!b.contains("streams") || !b["streams"].is_array() || b["streams"].empty())
    return "no 'streams' array";
  static const std::regex ns("[0-9]{1,19}");
  for (const auto& s : b["streams"]) {
    if (!s["stream"].is_object() || s["stream"].empty()) return "stream has no labels";
    for (const auto& [k, v] : s["stream"].items())
      if (!is_label_name(k) || !v.is_string()) return "bad label '" + k + "'";
    if (!s["values"].is_array() || s["values"].empty()) return "stream has no values";
    for (const auto& v : s["values"]) {
      if (!v.is_array() || v.size() != 2 || !v[0].is_string() || !v[1].is_string())
        return "value is not [\"<unix ns>\", \"<line>\"]";
      if (!std::regex_match(v[0].get<std::string>(), ns)) return "timestamp is not unix nanoseconds";
    }
  }
  return "";
}

std::string validate_elasticsearch_bulk(const ReceivedRequest& r) {
  if (r.method != "POST" || r.path != "/_bulk") return "not POST /_bulk";
  if (r.header("Content-Type").rfind("application/x-ndjson", 0) != 0)
    return "Content-Type is not application/x-ndjson";
  if (r.body.empty() || r.body.back() != '\n') return "bulk body must end with a newline";
  size_t start = 0, line_no = 0;
  bool expect_action = true;
  while (start < r.body.size()) {
    size_t end = r.body.find('\n', start);
    json line = json::parse(r.body.substr(start, end - start), nullptr, false);
    if (line.is_discarded() || !line.is_object()) return "line " + std::to_string(line_no) + " is not a JSON object";
    if (expect_action) {
      if (line.size() != 1 || !line.contains("index") || !line["index"].is_object())
        return "line " + std::to_string(line_no) + " is not an index action";
      std::string index = line["index"].value("_index", "");
      // Index names: lowercase, none of \ / * ? " < > | space , #, not starting with - _ +.
      static const std::regex bad("[A-Z\\\\/*?\"<>| ,#]|^[-_+]");
      if (index.empty() || std::regex_search(index, bad))
        return "bad index name '" + index + "'";
    } else if (auto p = falco_alert_problem(line); !p.empty()) {
      return p;
    }
    expect_action = !expect_action;
    start = end + 1;
    ++line_no;
  }
  if (!expect_action) return "action line without a document";
  return "";
}

}  // namespace peregrine::outputs::testing
