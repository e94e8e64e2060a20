// libFuzzer target: Kubernetes audit payloads (Event / EventList JSON) as the webhook and
// replay receive them, then every k8s_audit field extracted from each parsed event.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/sources/k8s_audit/audit_event.h"
#include "engine/sources/k8s_audit/audit_source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace peregrine::engine;
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
  return 0;
}
