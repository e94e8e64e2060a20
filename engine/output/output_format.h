#pragma once
// A rule's `output:` compiled against its source: literal text and field references
// (`%proc.name`, `%proc.aname[2]`, `%(fd.name)`, `%tolower(proc.name)`; `%%` is a literal %).
// Rendering reads values through the EvalContext, so fields the condition already extracted
// are not extracted again. A missing value prints `<NA>`, as in Falco.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/compiler/compiler.h"
#include "engine/compiler/eval_context.h"

namespace peregrine::engine {

struct OutputError {
  std::string message;
  uint32_t pos = 0;  // byte offset into the output text
};

class OutputFormat {
 public:
  struct Segment {
    std::string text;   // literal, when slot is unset
    std::optional<uint32_t> slot;
  };
  struct FieldKey {
    std::string name;   // as output_fields names it: `proc.aname[2]`, `tolower(proc.name)`
    uint32_t slot;
  };

  // Compiles `text`; on failure returns nullopt and sets `error`.
  static std::optional<OutputFormat> compile(const std::string& text, ConditionCompiler& compiler,
                                             OutputError& error);

  // The formatted message for the context's current event.
  std::string render(EvalContext& ctx) const;
  // Every field the output names, once each, in order of first appearance.
  const std::vector<FieldKey>& fields() const { return fields_; }

 private:
  std::vector<Segment> segments_;
  std::vector<FieldKey> fields_;
};

}  // namespace peregrine::engine
