#pragma once
// Flag and mode parameters as text, the way Falco prints them: open flags as
// "O_WRONLY|O_CREAT|O_TRUNC", clone flags as "CLONE_VM|CLONE_FS|...", modes in octal.
// Values are the Linux bits the kernel received. Pure functions; append to `out`.

#include <cstdint>
#include <string>
#include <string_view>

namespace peregrine::agent {

// The access mode first (O_RDONLY, O_WRONLY, O_RDWR), then every other known bit in bit
// order; bits without a name are appended as one hex number.
void append_open_flags(uint64_t flags, std::string& out);
void append_clone_flags(uint64_t flags, std::string& out);
// "0644"-style octal.
void append_mode(uint64_t mode, std::string& out);
// Flag texts for the parameters called `flags` of other calls (AT_*, memfd, dup3, ...) are
// the decimal value: Falco's own names for those differ by call and rules compare numbers.

}  // namespace peregrine::agent
