// libFuzzer target: what an agent or the audit webhook takes in from a bundle's ConfigMaps —
// manifest.json, and the pack (its index line, then the texts), through both readers (the
// agents', which skip the index's rules, and the operator's, which keep them), plus the base64
// and gzip decoders in front of the pack. Anyone who may write ConfigMaps in the operator's
// namespace chooses these bytes.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "kube/bundle/bundle_manifest.h"
#include "kube/bundle/bundle_pack.h"
#include "kube/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace peregrine::kube::bundle;
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)parse_manifest(text);
  auto skipped = parse_pack(text, PackRules::kSkip);
  auto kept = parse_pack(text, PackRules::kKeep);
  // The two readers agree on the files; only the rules differ.
  if (skipped.ok() != kept.ok()) std::abort();
  if (skipped && (skipped->files.size() != kept->files.size() || !skipped->rules.empty())) std::abort();
  (void)peregrine::kube::base64_decode(text);
  (void)gunzip(text, 1 << 20);
  return 0;
}
