#pragma once
// The set behind `in` / `intersects` on text fields: an open-addressing hash table over one
// buffer holding every member, looked up with string_views, no allocation. Most values tested
// against a list are not in it, so a length mask and a first-byte table reject most of them
// before hashing. Immutable after construction; safe to share between threads.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace peregrine::engine {

class StringSet {
 public:
  explicit StringSet(const std::vector<std::string>& members);

  bool contains(std::string_view s) const {
    if (!(lengths_ >> (s.size() < 63 ? s.size() : 63) & 1)) return false;
    if (!s.empty() && !first_[static_cast<unsigned char>(s[0])]) return false;
    return find(s);
  }
  size_t size() const { return count_; }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t offset = 0;
    uint32_t length = kEmpty;
  };
  static constexpr uint32_t kEmpty = UINT32_MAX;

  bool find(std::string_view s) const;

  std::string storage_;
  std::vector<Slot> slots_;  // power-of-two size, at most half full
  size_t count_ = 0;
  uint64_t lengths_ = 0;  // bit n: some member has length n (63: 63 or more)
  std::array<bool, 256> first_{};
};

// A fast, non-cryptographic hash of a short string (a word at a time).
uint64_t hash_text(std::string_view s);

}  // namespace peregrine::engine
