#include "agent/events/path_resolve.h"

#include <vector>

namespace peregrine::agent {
namespace {

// Already in the folded form: absolute, no empty, "." or ".." component, no trailing '/'.
// Most paths processes open are; they need no copy into parts.
bool is_normal_absolute(std::string_view path) {
  if (path.size() < 2 || path.front() != '/' || path.back() == '/') return false;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = slash + 1;
  }
  return true;
}

}  // namespace

std::string resolve_path(std::string_view base, std::string_view path) {
  if (is_normal_absolute(path)) return std::string(path);
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
