#pragma once
// Turning the path a process passed into the absolute path Falco shows in fd.name: relative
// paths are joined to the cwd (or the dirfd's directory), then "." / ".." / "//" are folded
// lexically (no filesystem access: the event may describe a file that is gone).

#include <string>
#include <string_view>

namespace peregrine::agent {

// `base` is an absolute directory (with or without a trailing '/'); `path` absolute or not.
// An empty path yields the base itself.
std::string resolve_path(std::string_view base, std::string_view path);

}  // namespace peregrine::agent
