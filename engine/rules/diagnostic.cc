#include "engine/rules/diagnostic.h"

namespace peregrine::engine {

std::string Diagnostic::to_string() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  out += ": ";
  if (!item.empty()) out += item + ": ";
  return out + message;
}

size_t LoadReport::error_count() const {
  size_t n = 0;
  for (const auto& f : files) n += f.errors.size();
  return n;
}

size_t LoadReport::warning_count() const {
  size_t n = 0;
  for (const auto& f : files) n += f.warnings.size();
  return n;
}

}  // namespace peregrine::engine
