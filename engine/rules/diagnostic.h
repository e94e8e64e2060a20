#pragma once
// What loading rule files reports: every error and warning with its file, line, column (1-based,
// inside a condition too), the item it concerns, and a message. User mistakes are diagnostics,
// never exceptions or crashes (STYLE.md "Errors").

#include <string>
#include <vector>

namespace peregrine::engine {

struct Diagnostic {
  std::string code;     // stable identifier, e.g. "unknown-key", "condition-syntax"
  std::string message;
  std::string file;
  int line = 0;         // 1-based; 0 when the problem is not at one place
  int column = 0;
  std::string item;     // e.g. "rule 'Read sensitive file'", "macro 'open_read'"

  // `file:line:col: item: message`
  std::string to_string() const;
};

struct FileReport {
  std::string path;
  int rules = 0;
  int macros = 0;
  int lists = 0;
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;
};

struct LoadReport {
  std::vector<FileReport> files;
  bool ok() const {
    for (const auto& f : files)
      if (!f.errors.empty()) return false;
    return true;
  }
  size_t error_count() const;
  size_t warning_count() const;
};

}  // namespace peregrine::engine
