#pragma once
// Query parameters of a request URI, for `ka.uri.param[KEY]`.

#include <optional>
#include <string>
#include <string_view>

namespace peregrine::engine::k8s_audit {

// The first value of query parameter `key` in `uri` ("/api/v1/...?command=ls&command=-l"),
// with keys and values decoded the way HTML forms encode them ("%2F" → '/', '+' → ' ').
// A parameter without '=' has the empty value. nullopt when the key is absent or its value is
// not validly percent-encoded.
std::optional<std::string> uri_query_param(std::string_view uri, std::string_view key);

// Decodes form encoding into `out`; false on a malformed "%XY" escape.
bool form_decode(std::string_view in, std::string& out);

}  // namespace peregrine::engine::k8s_audit
