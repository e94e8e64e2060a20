#include "engine/compiler/field_table.h"

namespace peregrine::engine {

uint32_t FieldTable::intern(const FieldRef& ref, const std::vector<ast::Transformer>& transformers) {
  std::string key = ref.display_name();
  for (auto it = transformers.rbegin(); it != transformers.rend(); ++it) {
    key = std::string(ast::transformer_name(*it)) + "(" + key + ")";
  }
  auto [it, inserted] = by_key_.emplace(key, static_cast<uint32_t>(slots_.size()));
  if (inserted) slots_.push_back(FieldSlot{ref, transformers, key});
  return it->second;
}

}  // namespace peregrine::engine
