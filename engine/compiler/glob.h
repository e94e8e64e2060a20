#pragma once
// Shell-style wildcard matching for the `glob` / `iglob` operators: `*` (any run of characters,
// '/' included, as Falco's glob), `?` (one character), `[abc]`, `[a-z]`, `[!x]`/`[^x]`.
// Works on string_views without copying; no allocation.

#include <string_view>

namespace peregrine::engine {

bool glob_match(std::string_view pattern, std::string_view text, bool case_insensitive = false);

}  // namespace peregrine::engine
