// FlatProgram's instruction loop, direct-threaded: each instruction kind's code ends with a jump
// of its own to the next instruction's code (GCC and Clang's labels as values), instead of all
// kinds returning to one switch. The outcome of a check decides which instruction runs next,
// and it varies from event to event; one indirect jump per kind lets the branch predictor
// learn the successors of each kind apart.

#include "engine/compiler/flat_program.h"

#include <iterator>

namespace peregrine::engine {

bool FlatProgram::eval(EvalContext& ctx) const {
  // Indexed by Op, in its order.
  static const void* const kHandlers[] = {
      &&check, &&event_type, &&memo_test, &&memo_set, &&tree,
      &&str_eq, &&str_ne, &&starts_with_, &&ends_with_, &&contains, &&str_in,
      &&bool_eq,
      &&int_eq, &&int_ne, &&int_lt, &&int_le, &&int_gt, &&int_ge,
  };
  static_assert(std::size(kHandlers) == static_cast<size_t>(Op::kIntGe) + 1);

  const Instr* in = nullptr;
  bool r = false;
  const Extraction* v = nullptr;

// Runs instruction `target`, or returns at an exit.
#define PEREGRINE_GOTO(target)                                    \
  do {                                                            \
    int32_t pc_ = (target);                                       \
    if (pc_ < 0) return pc_ == kAccept;                           \
    in = &code_[static_cast<size_t>(pc_)];                        \
    r = false;                                                    \
    goto *kHandlers[static_cast<uint8_t>(in->op)];                \
  } while (0)
// After a test: the memo cell a macro's exit fills, then the exit `r` chooses.
#define PEREGRINE_NEXT()                                                                   \
  do {                                                                                     \
    if (uint8_t m = r ? in->set_on_true : in->set_on_false) [[unlikely]]                   \
      ctx.set_memo(in->set_cell, m == kStoreTrue);                                         \
    PEREGRINE_GOTO(r ? in->on_true : in->on_false);                                        \
  } while (0)

  PEREGRINE_GOTO(entry_);

check:
  r = in->leaf->eval(ctx);
  PEREGRINE_NEXT();
event_type:
  r = type_matches(*in, ctx.event().type);
  PEREGRINE_NEXT();
memo_test: {
  auto known = ctx.memo(in->arg);
  if (!known) PEREGRINE_GOTO(in->body);
  r = *known;
  PEREGRINE_NEXT();
}
memo_set:
  ctx.set_memo(in->arg, in->value);
  PEREGRINE_GOTO(in->on_true);
tree:
  r = root_->eval(ctx);
  PEREGRINE_NEXT();
str_eq:
  if ((v = typed_value(*in, ctx, Extraction::Kind::kString, r))) r = equal(v->str(), *in);
  PEREGRINE_NEXT();
str_ne:
  if ((v = typed_value(*in, ctx, Extraction::Kind::kString, r))) r = !equal(v->str(), *in);
  PEREGRINE_NEXT();
starts_with_:
  if ((v = typed_value(*in, ctx, Extraction::Kind::kString, r))) r = starts_with(v->str(), *in);
  PEREGRINE_NEXT();
ends_with_:
  if ((v = typed_value(*in, ctx, Extraction::Kind::kString, r))) r = ends_with(v->str(), *in);
  PEREGRINE_NEXT();
contains:
  if ((v = typed_value(*in, ctx, Extraction::Kind::kString, r))) r = v->str().find(needle(*in)) != std::string_view::npos;
  PEREGRINE_NEXT();
str_in:
  if ((v = typed_value(*in, ctx, Extraction::Kind::kString, r))) r = in->set->contains(v->str());
  PEREGRINE_NEXT();
bool_eq:
  if ((v = typed_value(*in, ctx, Extraction::Kind::kBool, r))) r = v->boolean() == (in->number != 0);
  PEREGRINE_NEXT();
int_eq:
  if ((v = number_value(*in, ctx, r))) r = number_of(*v) == in->number;
  PEREGRINE_NEXT();
int_ne:
  if ((v = number_value(*in, ctx, r))) r = number_of(*v) != in->number;
  PEREGRINE_NEXT();
int_lt:
  if ((v = number_value(*in, ctx, r))) r = number_of(*v) < in->number;
  PEREGRINE_NEXT();
int_le:
  if ((v = number_value(*in, ctx, r))) r = number_of(*v) <= in->number;
  PEREGRINE_NEXT();
int_gt:
  if ((v = number_value(*in, ctx, r))) r = number_of(*v) > in->number;
  PEREGRINE_NEXT();
int_ge:
  if ((v = number_value(*in, ctx, r))) r = number_of(*v) >= in->number;
  PEREGRINE_NEXT();

#undef PEREGRINE_NEXT
#undef PEREGRINE_GOTO
}

}  // namespace peregrine::engine
