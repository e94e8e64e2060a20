#pragma once
// Field transformers (tolower, toupper, b64, basename) applied to an extracted value.

#include "engine/condition/ast.h"
#include "engine/values/extraction.h"

namespace peregrine::engine {

// Writes transform(in) into out. Non-string values are rendered as text first. Returns false
// when the value cannot be transformed (b64 of invalid base64); `out` is then empty.
bool apply_transformer(ast::Transformer t, const Extraction& in, Extraction& out);

}  // namespace peregrine::engine
