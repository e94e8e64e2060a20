#pragma once
// Small filesystem reads the state layer makes (procfs, passwd): whole files and symlinks.
// Errors are values; none throws.

#include <optional>
#include <string>

namespace peregrine::agent {

// The whole file (up to `limit` bytes), or nullopt when it cannot be read.
std::optional<std::string> read_small_file(const std::string& path, size_t limit = 1 << 20);
// The target of a symlink, or nullopt.
std::optional<std::string> read_link(const std::string& path);

}  // namespace peregrine::agent
