// libFuzzer target: a whole rules file through the loader (YAML reading, Falco's append and
// override semantics, list/macro expansion, compilation). Every input must end in a ruleset or
// in diagnostics.

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace peregrine::engine;
  static const Engine engine("fuzz");
  std::string text(reinterpret_cast<const char*>(data), size);
  LoadResult r = engine.load_texts({{"fuzz.yaml", text}});
  if (r.ruleset && !r.report.ok()) __builtin_trap();  // never half-loaded
  for (const auto& f : r.report.files)
    for (const auto& d : f.errors) (void)d.to_string();
  return 0;
}
