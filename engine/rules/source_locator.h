#pragma once
// Maps a byte offset inside a YAML scalar's value (a condition) back to the line and column
// in the file, so errors inside conditions point at the character in the editor.
//
// YAML folding (`>`), literal blocks, plain multi-line scalars and quoting change whitespace
// but keep every other character in order, so the locator walks the file from the scalar's
// start matching the value's non-blank characters one by one.

#include <string>
#include <string_view>
#include <vector>

namespace peregrine::engine {

struct TextPos {
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

class SourceLocator {
 public:
  explicit SourceLocator(std::string content);

  const std::string& content() const { return content_; }
  TextPos position_of(size_t byte_offset) const;
  // Position of `value[offset]`, where `value` is the scalar whose text starts at
  // `scalar_start` (the byte offset yaml-cpp reports for the node).
  TextPos locate(size_t scalar_start, std::string_view value, size_t offset) const;

 private:
  std::string content_;
  std::vector<size_t> line_starts_;
};

}  // namespace peregrine::engine
