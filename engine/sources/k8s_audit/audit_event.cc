#include "engine/sources/k8s_audit/audit_event.h"

#include <new>
#include <string>

#include "common/strings.h"
#include "common/time_format.h"

namespace peregrine::engine {

namespace {

using Json = nlohmann::json;

// How deep `text` nests arrays and objects, counted without parsing (brackets inside strings
// do not count). Cheap enough to run before every parse.
size_t nesting_depth(std::string_view text) {
  size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // whatever is escaped cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > deepest) deepest = depth;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; the tag means nothing to
// whoever sent the payload.
std::string without_exception_tag(const char* what) {
  std::string_view msg(what);
  if (!msg.empty() && msg.front() == '[') {
    size_t end = msg.find("] ");
    if (end != std::string_view::npos) msg.remove_prefix(end + 2);
  }
  return std::string(msg);
}

Result<Json> parse_json(std::string_view text) {
  if (nesting_depth(text) > kMaxAuditJsonDepth) {
    return make_error("JSON nests deeper than " + std::to_string(kMaxAuditJsonDepth) + " levels");
  }
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    return make_error("not JSON: " + without_exception_tag(e.what()));
  } catch (const std::bad_alloc&) {
    return make_error("payload too large to parse (out of memory)");
  }
}

uint64_t timestamp_of(const Json& doc) {
  for (const char* key : {"stageTimestamp", "requestReceivedTimestamp"}) {
    auto it = doc.find(key);
    if (it == doc.end() || !it->is_string()) continue;
    if (auto ns = parse_rfc3339(it->get_ref<const std::string&>())) return *ns;
  }
  return 0;
}

// The optional string member `key`; an error when present but not a string.
Result<std::string_view> optional_string(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string_view();
  if (!it->is_string()) {
    return make_error(std::string(key) + " is a JSON " + it->type_name() + ", not a string");
  }
  return std::string_view(it->get_ref<const std::string&>());
}

Status check_api_version(const Json& obj) {
  auto version = optional_string(obj, "apiVersion");
  if (!version) return version.error();
  if (!version->empty() && !version->starts_with("audit.k8s.io/")) {
    return make_error("apiVersion '" + std::string(*version) +
                      "' is not audit.k8s.io/v1 (or v1beta1)");
  }
  return {};
}

Status append_list(Json& list, uint64_t& num, std::vector<AuditEvent>& out) {
  auto items = list.find("items");
  // Go's encoder writes an empty list as "items": null.
  if (items == list.end() || items->is_null()) return {};
  if (!items->is_array()) {
    return make_error(std::string("EventList.items is a JSON ") + items->type_name() +
                      ", not an array");
  }
  out.reserve(out.size() + items->size());
  for (size_t i = 0; i < items->size(); ++i) {
    // Moving a json value moves its storage, so nothing is copied here.
    auto ev = make_audit_event(std::move((*items)[i]), num);
    if (!ev) return make_error("EventList.items[" + std::to_string(i) + "]: " + ev.error().message);
    out.push_back(std::move(*ev));
    ++num;
  }
  return {};
}

}  // namespace

Result<AuditEvent> make_audit_event(nlohmann::json doc, uint64_t num) {
  if (!doc.is_object()) {
    return make_error(std::string("audit event is a JSON ") + doc.type_name() +
                      ", not an object");
  }
  auto id = doc.find("auditID");
  if (id == doc.end() || id->is_null()) return make_error("audit event has no auditID");
  if (!id->is_string()) {
    return make_error(std::string("audit event's auditID is a JSON ") + id->type_name() +
                      ", not a string");
  }
  AuditEvent ev;
  ev.type = 0;
  ev.num = num;
  ev.timestamp_ns = timestamp_of(doc);
  ev.doc = std::move(doc);
  return ev;
}

Result<std::vector<AuditEvent>> parse_audit_payload(std::string_view json_text,
                                                    uint64_t first_num) {
  auto parsed = parse_json(json_text);
  if (!parsed) return parsed.error();
  Json& root = *parsed;
  if (!root.is_object()) {
    return make_error(std::string("audit payload is a JSON ") + root.type_name() +
                      ", not an object");
  }
  if (auto st = check_api_version(root); !st) return st.error();
  auto kind = optional_string(root, "kind");
  if (!kind) return kind.error();

  std::vector<AuditEvent> events;
  uint64_t num = first_num;
  bool is_list = *kind == "EventList" || (kind->empty() && root.contains("items"));
  if (is_list) {
    if (auto st = append_list(root, num, events); !st) return st.error();
    return events;
  }
  if (!kind->empty() && *kind != "Event") {
    return make_error("kind '" + std::string(*kind) + "' is not an audit Event or EventList");
  }
  auto ev = make_audit_event(std::move(root), num);
  if (!ev) return ev.error();
  events.push_back(std::move(*ev));
  return events;
}

Result<std::vector<AuditEvent>> read_audit_lines(std::istream& in, uint64_t first_num) {
  std::vector<AuditEvent> events;
  uint64_t num = first_num;
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::string_view text = trim(line);
    if (line_no == 1 && text.starts_with("\xEF\xBB\xBF")) text = trim(text.substr(3));  // BOM
    if (text.empty()) continue;
    auto batch = parse_audit_payload(text, num);
    if (!batch) return make_error("line " + std::to_string(line_no) + ": " + batch.error().message);
    num += batch->size();
    for (AuditEvent& ev : *batch) events.push_back(std::move(ev));
  }
  if (in.bad()) return make_error("read error after line " + std::to_string(line_no));
  return events;
}

}  // namespace peregrine::engine
