#include "engine/rules/source_locator.h"

#include <algorithm>

namespace peregrine::engine {
namespace {
bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
}  // namespace

SourceLocator::SourceLocator(std::string content) : content_(std::move(content)) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < content_.size(); ++i)
    if (content_[i] == '\n') line_starts_.push_back(i + 1);
}

TextPos SourceLocator::position_of(size_t offset) const {
  offset = std::min(offset, content_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  size_t line = static_cast<size_t>(it - line_starts_.begin());  // 1-based
  return TextPos{static_cast<int>(line), static_cast<int>(offset - line_starts_[line - 1] + 1)};
}

TextPos SourceLocator::locate(size_t start, std::string_view value, size_t offset) const {
  size_t i = std::min(start, content_.size());
  // Block scalars start at their indicator line; the text begins on the next line.
  if (i < content_.size() && (content_[i] == '>' || content_[i] == '|')) {
    while (i < content_.size() && content_[i] != '\n') ++i;
  } else if (i < content_.size() && (content_[i] == '"' || content_[i] == '\'')) {
    ++i;
  }
  offset = std::min(offset, value.size());
  size_t found = i;
  for (size_t k = 0; k <= offset && k < value.size(); ++k) {
    char c = value[k];
    if (blank(c)) continue;
    // Give up on a mismatch (heavy escaping) rather than run to the end of the file.
    size_t limit = std::min(content_.size(), i + 256);
    size_t j = i;
    while (j < limit && content_[j] != c) ++j;
    if (j >= limit) return position_of(found);
    found = j;
    i = j + 1;
  }
  if (offset >= value.size() || blank(value[offset])) {
    // Pointing at a blank or past the end ("found end of condition"): report just after the
    // previous visible character.
    return position_of(found + (offset > 0 ? 1 : 0));
  }
  return position_of(found);
}

}  // namespace peregrine::engine
