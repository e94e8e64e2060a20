// libFuzzer target: Kubernetes audit payloads (Event / EventList JSON) as the webhook and
// replay receive them, then every k8s_audit field extracted from each parsed event.
//
// Also a differential check of the payload reader (simdjson) against nlohmann::json, which the
// source used before: whatever the reader accepts, nlohmann accepts too, and each event's
// jevt.obj is the text nlohmann's dump() gives for the same object.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/sources/k8s_audit/audit_event.h"
#include "engine/sources/k8s_audit/audit_source.h"

namespace {

using namespace peregrine::engine;

// The objects nlohmann sees as the payload's events, in order (nothing when it rejects it).
std::vector<nlohmann::json> nlohmann_events(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  auto root = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (root.is_discarded()) __builtin_trap();  // the reader accepted what nlohmann refuses
  // The reader's rule: a list when kind says EventList, or says nothing and there are items.
  auto kind = root.find("kind");
  bool no_kind = kind == root.end() || kind->is_null() || *kind == "";
  auto items = root.find("items");
  bool is_list = (kind != root.end() && *kind == "EventList") || (no_kind && items != root.end());
  if (!is_list) return {root};
  if (items == root.end() || items->is_null()) return {};
  return *items;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const AuditSource source("fuzz");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto events = parse_audit_payload(text);
  if (!events) return 0;
  Extraction out;
  for (const auto& ev : *events) {
    for (const auto& f : source.fields().fields()) {
      std::optional<std::string_view> arg;
      if (f.arg == ArgMode::kRequired) arg = f.arg_is_index ? "0" : "/metadata/name";
      auto ref = source.fields().resolve(f.name, arg);
      if (!ref) continue;
      out.reset();
      source.extract(ev, *ref, out);
      (void)out.to_string();
    }
  }
  auto expected = nlohmann_events(text);
  if (expected.size() != events->size()) __builtin_trap();
  static const auto obj = source.fields().resolve("jevt.obj", std::nullopt);
  for (size_t i = 0; i < expected.size(); ++i) {
    out.reset();
    source.extract((*events)[i], *obj, out);
    if (out.str() != expected[i].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) {
      __builtin_trap();
    }
  }
  return 0;
}
