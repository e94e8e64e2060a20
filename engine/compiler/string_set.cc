#include "engine/compiler/string_set.h"

#include <cstring>

namespace peregrine::engine {

uint64_t hash_text(std::string_view s) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * 0x94D049BB133111EBull;
    h ^= h >> 29;
  }
  return h;
}

StringSet::StringSet(const std::vector<std::string>& members) {
  size_t capacity = 8;
  while (capacity < members.size() * 2) capacity *= 2;
  slots_.resize(capacity);
  for (const auto& m : members) storage_ += m;
  size_t offset = 0;
  for (const auto& m : members) {
    std::string_view view(storage_.data() + offset, m.size());
    size_t at = offset;
    offset += m.size();
    if (find(view)) continue;  // duplicate member
    uint64_t h = hash_text(view);
    size_t mask = slots_.size() - 1;
    size_t i = h & mask;
    while (slots_[i].length != kEmpty) i = (i + 1) & mask;
    slots_[i] = Slot{h, static_cast<uint32_t>(at), static_cast<uint32_t>(m.size())};
    ++count_;
    lengths_ |= 1ull << (m.size() < 63 ? m.size() : 63);
    if (!m.empty()) first_[static_cast<unsigned char>(m[0])] = true;
  }
}

bool StringSet::find(std::string_view s) const {
  uint64_t h = hash_text(s);
  size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.length == kEmpty) return false;
    if (slot.hash == h && slot.length == s.size() &&
        std::memcmp(storage_.data() + slot.offset, s.data(), s.size()) == 0) {
      return true;
    }
  }
}

}  // namespace peregrine::engine
