#include "engine/compiler/glob.h"

#include <cctype>

namespace peregrine::engine {
namespace {

char fold(char c, bool ci) {
  return ci ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
}

// Matches one bracket expression at pattern[p] ('[' ... ']') against c. Returns the index
// just past the closing ']' and sets `matched`; returns npos if the bracket is unterminated
// (then '[' is an ordinary character).
size_t match_class(std::string_view pattern, size_t p, char c, bool ci, bool& matched) {
  size_t i = p + 1;
  bool negate = false;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
    negate = true;
    ++i;
  }
  bool found = false;
  bool first = true;
  while (i < pattern.size() && (pattern[i] != ']' || first)) {
    first = false;
    char lo = pattern[i];
    char hi = lo;
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      hi = pattern[i + 2];
      i += 3;
    } else {
      i += 1;
    }
    char x = fold(c, ci);
    if (fold(lo, ci) <= x && x <= fold(hi, ci)) found = true;
  }
  if (i >= pattern.size()) return std::string_view::npos;
  matched = found != negate;
  return i + 1;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text, bool ci) {
  // Iterative matcher with single backtrack point for the last '*': linear in practice.
  size_t p = 0, t = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      char pc = pattern[p];
      if (pc == '*') {
        star_p = p++;
        star_t = t;
        continue;
      }
      if (pc == '?') {
        ++p;
        ++t;
        continue;
      }
      if (pc == '[') {
        bool matched = false;
        size_t next = match_class(pattern, p, text[t], ci, matched);
        if (next != std::string_view::npos) {
          if (matched) {
            p = next;
            ++t;
            continue;
          }
        } else if (fold(text[t], ci) == '[') {
          ++p;
          ++t;
          continue;
        }
      } else if (fold(pc, ci) == fold(text[t], ci)) {
        ++p;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace peregrine::engine
