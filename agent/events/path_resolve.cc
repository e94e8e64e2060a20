#include "agent/events/path_resolve.h"

#include <vector>

namespace peregrine::agent {

std::string resolve_path(std::string_view base, std::string_view path) {
  std::string joined;
  if (path.empty() || path.front() != '/') {
    joined.reserve(base.size() + 1 + path.size());
    joined = base.empty() ? "/" : std::string(base);
    if (joined.back() != '/') joined += '/';
  }
  joined += path;

  std::vector<std::string_view> parts;
  std::string_view rest = joined;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    rest.remove_prefix(slash == std::string_view::npos ? rest.size() : slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  out.reserve(joined.size());
  for (std::string_view p : parts) {
    out += '/';
    out += p;
  }
  return out.empty() ? "/" : out;
}

}  // namespace peregrine::agent
