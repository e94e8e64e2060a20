#include "engine/sources/k8s_audit/audit_event.h"

#include <mutex>
#include <new>
#include <string>

#include "common/strings.h"
#include "common/time_format.h"

namespace peregrine::engine {

namespace {

using Json = nlohmann::json;
using k8s_audit::JsonValue;
namespace dom = simdjson::dom;

// How deep `text` nests arrays and objects, counted without parsing (brackets inside strings
// do not count): the guard before nlohmann's parser, which has no depth limit of its own.
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

std::string too_deep() {
  return "JSON nests deeper than " + std::to_string(kMaxAuditJsonDepth) + " levels";
}

// A payload's document and its root value.
struct ParsedJson {
  std::shared_ptr<const dom::document> doc;
  JsonValue root;
};

// Parser buffers grow to the largest payload a thread has parsed; beyond this they are given
// back after the parse, so one huge request does not pin its buffers to an HTTP thread.
constexpr size_t kKeptParserCapacity = size_t{1} << 20;
constexpr size_t kInitialParserCapacity = size_t{64} << 10;

// Each thread reuses one parser (its buffers are per-parse scratch); the document it fills is
// the payload's own.
dom::parser* thread_parser() {
  thread_local dom::parser parser;
  thread_local bool ready = false;
  if (!ready) {
    // The depth cap is the parser's: deeper input fails with DEPTH_ERROR, before any reader.
    if (parser.allocate(kInitialParserCapacity, kMaxAuditJsonDepth) != simdjson::SUCCESS) {
      return nullptr;
    }
    ready = true;
  }
  return &parser;
}

// Released documents for the next payloads. simdjson sizes a document for the worst case
// (about ten bytes per input byte), and memory fresh from the kernel costs a page fault per
// 4 KiB touched, which made the allocation cost more than the parse; a reused document's
// memory is mapped already. Bounded in count and in size, so it pins at most ~80 MiB of
// address space, little of it resident (a parse touches only the part it fills).
class DocumentPool {
 public:
  static constexpr size_t kMaxDocuments = 8;
  static constexpr size_t kMaxCapacity = size_t{1} << 20;

  // A document able to hold `len` bytes of JSON without reallocating, when one is free.
  std::shared_ptr<dom::document> take(size_t len) {
    dom::document* doc = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (size_t i = 0; i < free_.size(); ++i) {
        if (free_[i]->capacity() >= len) {
          doc = free_[i];
          free_[i] = free_.back();
          free_.pop_back();
          break;
        }
      }
    }
    if (doc == nullptr) doc = new dom::document();
    return std::shared_ptr<dom::document>(doc, [this](dom::document* d) { give(d); });
  }

 private:
  void give(dom::document* doc) {
    if (doc->capacity() <= kMaxCapacity) {
      std::lock_guard<std::mutex> lock(mu_);
      if (free_.size() < kMaxDocuments) {
        free_.push_back(doc);
        return;
      }
    }
    delete doc;
  }

  std::mutex mu_;
  std::vector<dom::document*> free_;
};

// Never destroyed: events released during static destruction still return their document.
DocumentPool& document_pool() {
  static auto* pool = new DocumentPool();
  return *pool;
}

// `via_nlohmann`: whether a number simdjson refuses may send the text through nlohmann.
Result<ParsedJson> parse_json(std::string_view text, bool via_nlohmann = true);

// simdjson refuses integers beyond 64 bits, which nlohmann reads as doubles. Such payloads go
// through nlohmann once and are re-read from its output, so they are accepted as before.
Result<ParsedJson> parse_json_via_nlohmann(std::string_view text) {
  if (nesting_depth(text) > kMaxAuditJsonDepth) return make_error(too_deep());
  std::string canonical;
  try {
    canonical = Json::parse(text.begin(), text.end())
                    .dump(-1, ' ', false, Json::error_handler_t::replace);
  } catch (const Json::exception& e) {
    return make_error("not JSON: " + without_exception_tag(e.what()));
  } catch (const std::bad_alloc&) {
    return make_error("payload too large to parse (out of memory)");
  }
  // nlohmann wrote the refused integers as doubles, so this parse cannot come back here.
  auto again = parse_json(canonical, false);
  if (!again) return again.error();
  return again;
}

Result<ParsedJson> parse_json(std::string_view text, bool via_nlohmann) {
  dom::parser* parser = thread_parser();
  if (parser == nullptr) return make_error("payload too large to parse (out of memory)");
  std::shared_ptr<dom::document> doc = document_pool().take(text.size());
  auto root = parser->parse_into_document(*doc, text.data(), text.size());
  if (parser->capacity() > kKeptParserCapacity &&
      parser->allocate(kInitialParserCapacity, kMaxAuditJsonDepth) != simdjson::SUCCESS) {
    // Shrinking failed: the parser keeps its big buffers, which is still a working parser.
  }
  switch (root.error()) {
    case simdjson::SUCCESS:
      return ParsedJson{std::move(doc), JsonValue(root.value_unsafe())};
    case simdjson::DEPTH_ERROR:
      return make_error(too_deep());
    case simdjson::MEMALLOC:
    case simdjson::CAPACITY:
      return make_error("payload too large to parse (out of memory)");
    case simdjson::NUMBER_ERROR:
    case simdjson::NUMBER_OUT_OF_RANGE:
      if (via_nlohmann) return parse_json_via_nlohmann(text);
      break;
    default:
      break;
  }
  return make_error(std::string("not JSON: ") + simdjson::error_message(root.error()));
}

uint64_t timestamp_of(JsonValue doc) {
  for (const char* key : {"stageTimestamp", "requestReceivedTimestamp"}) {
    auto text = doc[key].string();
    if (!text) continue;
    if (auto ns = parse_rfc3339(*text)) return *ns;
  }
  return 0;
}

// The optional string member `key`; an error when present but not a string.
Result<std::string_view> optional_string(JsonValue obj, const char* key) {
  JsonValue v = obj[key];
  if (!v || v.is_null()) return std::string_view();
  if (!v.is_string()) {
    return make_error(std::string(key) + " is a JSON " + v.type_name() + ", not a string");
  }
  return *v.string();
}

Status check_api_version(JsonValue obj) {
  auto version = optional_string(obj, "apiVersion");
  if (!version) return version.error();
  if (!version->empty() && !version->starts_with("audit.k8s.io/")) {
    return make_error("apiVersion '" + std::string(*version) +
                      "' is not audit.k8s.io/v1 (or v1beta1)");
  }
  return {};
}

Result<AuditEvent> make_event(const std::shared_ptr<const dom::document>& payload, JsonValue obj,
                              uint64_t num) {
  if (!obj.is_object()) {
    return make_error(std::string("audit event is a JSON ") + obj.type_name() +
                      ", not an object");
  }
  JsonValue id = obj["auditID"];
  if (!id || id.is_null()) return make_error("audit event has no auditID");
  if (!id.is_string()) {
    return make_error(std::string("audit event's auditID is a JSON ") + id.type_name() +
                      ", not a string");
  }
  AuditEvent ev;
  ev.type = 0;
  ev.num = num;
  ev.timestamp_ns = timestamp_of(obj);
  ev.payload = payload;
  ev.json = obj;
  return ev;
}

Status append_list(const ParsedJson& parsed, uint64_t& num, std::vector<AuditEvent>& out) {
  JsonValue items = parsed.root["items"];
  // Go's encoder writes an empty list as "items": null.
  if (!items || items.is_null()) return {};
  if (!items.is_array()) {
    return make_error(std::string("EventList.items is a JSON ") + items.type_name() +
                      ", not an array");
  }
  out.reserve(out.size() + items.size());
  size_t i = 0;
  for (JsonValue item : items.items()) {
    auto ev = make_event(parsed.doc, item, num);
    if (!ev) return make_error("EventList.items[" + std::to_string(i) + "]: " + ev.error().message);
    out.push_back(std::move(*ev));
    ++num;
    ++i;
  }
  return {};
}

}  // namespace

Result<AuditEvent> make_audit_event(const nlohmann::json& doc, uint64_t num) {
  std::string text;
  try {
    text = doc.dump(-1, ' ', false, Json::error_handler_t::replace);
  } catch (const std::bad_alloc&) {
    return make_error("payload too large to parse (out of memory)");
  }
  auto parsed = parse_json(text);
  if (!parsed) return parsed.error();
  return make_event(parsed->doc, parsed->root, num);
}

Result<std::vector<AuditEvent>> parse_audit_payload(std::string_view json_text,
                                                    uint64_t first_num) {
  if (json_text.starts_with("\xEF\xBB\xBF")) json_text.remove_prefix(3);  // as nlohmann did
  auto parsed = parse_json(json_text);
  if (!parsed) return parsed.error();
  JsonValue root = parsed->root;
  if (!root.is_object()) {
    return make_error(std::string("audit payload is a JSON ") + root.type_name() +
                      ", not an object");
  }
  if (auto st = check_api_version(root); !st) return st.error();
  auto kind = optional_string(root, "kind");
  if (!kind) return kind.error();

  std::vector<AuditEvent> events;
  uint64_t num = first_num;
  bool is_list = *kind == "EventList" || (kind->empty() && root["items"]);
  if (is_list) {
    if (auto st = append_list(*parsed, num, events); !st) return st.error();
    return events;
  }
  if (!kind->empty() && *kind != "Event") {
    return make_error("kind '" + std::string(*kind) + "' is not an audit Event or EventList");
  }
  auto ev = make_event(parsed->doc, root, num);
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
