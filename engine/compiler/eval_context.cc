#include "engine/compiler/eval_context.h"

#include "engine/compiler/transformers.h"

namespace peregrine::engine {

EvalContext::EvalContext(const EventSource& source, const FieldTable& table)
    : source_(source),
      slots_(table.slots().size()),
      memo_(table.memo_count(), 0) {
  for (size_t i = 0; i < slots_.size(); ++i) {
    slots_[i].spec = &table.slot(static_cast<uint32_t>(i));
    slots_[i].extract = source.extractor(slots_[i].spec->ref);
    slots_[i].transformed = !slots_[i].spec->transformers.empty();
  }
}

void EvalContext::fill(uint32_t, Slot& s) {
  s.epoch = epoch_;
  const FieldSlot& spec = *s.spec;
  s.raw.reset();
  bool found = s.extract ? s.extract(*event_, spec.ref, s.raw) : source_.extract(*event_, spec.ref, s.raw);
  s.present = found && s.raw.present();
  s.result = &s.raw;
  if (!s.present || !s.transformed) return;
  // Innermost transformer first; each writes its own stage so views stay valid.
  s.stages.resize(spec.transformers.size());
  const Extraction* in = &s.raw;
  size_t stage = 0;
  for (auto it = spec.transformers.rbegin(); it != spec.transformers.rend(); ++it, ++stage) {
    if (!apply_transformer(*it, *in, s.stages[stage])) {
      ++counters_.transform_errors;
      s.present = false;
      return;
    }
    in = &s.stages[stage];
  }
  s.result = in;
}

}  // namespace peregrine::engine
