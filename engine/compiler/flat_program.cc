#include "engine/compiler/flat_program.h"

#include <bit>
#include <cstring>

#include "engine/compiler/logic.h"

namespace peregrine::engine {

// Instr::word is compared with values loaded as little-endian words.
static_assert(std::endian::native == std::endian::little);

// Lowers a node given where to go when it is true and when it is false, last child first, so
// each child's targets are known when it is emitted; returns the node's entry point (which is
// a target itself when the node folds to a constant).
class FlatProgram::Builder {
 public:
  Builder(FlatProgram& out, const std::vector<bool>* known, const std::vector<bool>* shared)
      : out_(out), known_(known), shared_(shared) {
    if (known_) {
      bool any = false;
      for (bool b : *known_) any = any || b;
      if (!any) known_ = nullptr;  // run for no indexed type: nothing to fold with
    }
  }

  // False when the code grew past the limit (macros are inlined at every use, as Falco
  // expands them; a pathological nesting of shared macros is run as a tree instead).
  bool ok() const { return !too_big_; }

  int32_t lower(const Program& p, int32_t on_true, int32_t on_false) {
    if (too_big_) return kReject;
    switch (p.kind()) {
      case Program::Kind::kConstant:
        return static_cast<const Constant&>(p).value() ? on_true : on_false;
      case Program::Kind::kAnd: {
        const auto& children = static_cast<const And&>(p).children();
        int32_t next = on_true;
        for (auto it = children.rbegin(); it != children.rend(); ++it) next = lower(**it, next, on_false);
        return next;
      }
      case Program::Kind::kOr: {
        const auto& children = static_cast<const Or&>(p).children();
        int32_t next = on_false;
        for (auto it = children.rbegin(); it != children.rend(); ++it) next = lower(**it, on_true, next);
        return next;
      }
      case Program::Kind::kNot:
        return lower(static_cast<const Not&>(p).child(), on_false, on_true);
      case Program::Kind::kMemo:
        return lower_memo(static_cast<const Memo&>(p), on_true, on_false);
      case Program::Kind::kEventType:
        return lower_event_type(static_cast<const EventTypeCheck&>(p), on_true, on_false);
      case Program::Kind::kCheck:
        break;
    }
    // Checks are pure, so one whose outcome leads to the same place need not run.
    if (on_true == on_false) return on_true;
    Instr in = check_instr(p);
    in.on_true = on_true;
    in.on_false = on_false;
    return emit(in);
  }

 private:
  static constexpr size_t kMaxInstructions = size_t{1} << 14;

  // An inline instruction for the common check kinds, else a call of the leaf.
  static Instr check_instr(const Program& leaf) {
    using K = InlineCheck::Kind;
    InlineCheck c = leaf.inline_form();
    Instr in(Op::kCheck);
    in.leaf = &leaf;
    switch (c.kind) {
      case K::kNone: return in;
      case K::kStrEq: in.op = Op::kStrEq; break;
      case K::kStrNe: in.op = Op::kStrNe; break;
      case K::kStartsWith: in.op = Op::kStartsWith; break;
      case K::kEndsWith: in.op = Op::kEndsWith; break;
      case K::kContains: in.op = Op::kContains; break;
      case K::kStrIn: in.op = Op::kStrIn; break;
      case K::kBoolEq: in.op = Op::kBoolEq; break;
      case K::kIntEq: in.op = Op::kIntEq; break;
      case K::kIntNe: in.op = Op::kIntNe; break;
      case K::kIntLt: in.op = Op::kIntLt; break;
      case K::kIntLe: in.op = Op::kIntLe; break;
      case K::kIntGt: in.op = Op::kIntGt; break;
      case K::kIntGe: in.op = Op::kIntGe; break;
    }
    in.arg = c.slot;
    if (c.kind == K::kStrIn) {
      in.set = c.set;
    } else if (in.op >= Op::kStrEq && in.op <= Op::kContains) {
      in.needle = c.needle.data();
      in.words = static_cast<uint32_t>(c.needle.size());
      size_t n = c.needle.size() < 8 ? c.needle.size() : 8;
      if (in.op == Op::kEndsWith) {
        // The last n bytes, at the top of the word (where a load of a value's last 8 has them).
        std::memcpy(reinterpret_cast<char*>(&in.word) + (8 - n), c.needle.data() + c.needle.size() - n, n);
      } else {
        std::memcpy(&in.word, c.needle.data(), n);
      }
    } else {
      in.number = c.number;
    }
    return in;
  }

  int32_t emit(const Instr& in) {
    if (out_.code_.size() >= kMaxInstructions) {
      too_big_ = true;
      return kReject;
    }
    out_.code_.push_back(in);
    return static_cast<int32_t>(out_.code_.size() - 1);
  }

  int32_t lower_memo(const Memo& m, int32_t on_true, int32_t on_false) {
    if (on_true == on_false) return on_true;
    if (shared_ && !(m.cell() < shared_->size() && (*shared_)[m.cell()])) {
      return lower(m.macro(), on_true, on_false);
    }
    Instr set_true(Op::kMemoSet);
    set_true.value = true;
    set_true.arg = m.cell();
    set_true.on_true = on_true;
    Instr set_false(Op::kMemoSet);
    set_false.arg = m.cell();
    set_false.on_true = on_false;
    int32_t t = emit(set_true);
    int32_t f = emit(set_false);
    int32_t body = lower(m.macro(), t, f);
    // Folded to a constant for these event types: no need to test or fill the cell.
    if (body == t) return on_true;
    if (body == f) return on_false;
    Instr test(Op::kMemoTest);
    test.arg = m.cell();
    test.on_true = on_true;
    test.on_false = on_false;
    test.body = body;
    return emit(test);
  }

  int32_t lower_event_type(const EventTypeCheck& c, int32_t on_true, int32_t on_false) {
    if (known_) {
      // The answer for every type the program is run for: folded when they all agree.
      bool all = true, none = true;
      for (size_t t = 0; t < known_->size(); ++t) {
        if (!(*known_)[t]) continue;
        bool in = c.matches(static_cast<uint16_t>(t));
        all = all && in;
        none = none && !in;
      }
      if (all) return on_true;
      if (none) return on_false;
    }
    if (on_true == on_false) return on_true;
    const auto& types = c.types();
    Instr in(Op::kEventType);
    in.value = c.negated();
    in.arg = static_cast<uint32_t>(out_.types_.size());
    in.words = static_cast<uint32_t>((types.size() + 63) / 64);
    out_.types_.resize(out_.types_.size() + in.words, 0);
    for (size_t t = 0; t < types.size(); ++t)
      if (types[t]) out_.types_[in.arg + t / 64] |= uint64_t{1} << (t % 64);
    in.on_true = on_true;
    in.on_false = on_false;
    return emit(in);
  }

  FlatProgram& out_;
  const std::vector<bool>* known_;
  const std::vector<bool>* shared_;
  bool too_big_ = false;
};

void FlatProgram::count_memo_cells(const Program& root, std::vector<uint32_t>& uses) {
  std::vector<bool> seen;
  auto walk = [&](auto& self, const Program& p) -> void {
    switch (p.kind()) {
      case Program::Kind::kAnd:
        for (const auto& c : static_cast<const And&>(p).children()) self(self, *c);
        return;
      case Program::Kind::kOr:
        for (const auto& c : static_cast<const Or&>(p).children()) self(self, *c);
        return;
      case Program::Kind::kNot: self(self, static_cast<const Not&>(p).child()); return;
      case Program::Kind::kMemo: {
        const auto& m = static_cast<const Memo&>(p);
        if (m.cell() >= seen.size()) seen.resize(m.cell() + 1, false);
        if (seen[m.cell()]) return;  // the macros inside it are counted already
        seen[m.cell()] = true;
        if (m.cell() >= uses.size()) uses.resize(m.cell() + 1, 0);
        ++uses[m.cell()];
        self(self, m.macro());
        return;
      }
      default: return;
    }
  };
  walk(walk, root);
}

FlatProgram FlatProgram::build(const Program& root, const std::vector<bool>* known_types,
                               const std::vector<bool>* memo_cells) {
  FlatProgram out;
  out.root_ = &root;
  Builder b(out, known_types, memo_cells);
  out.entry_ = b.lower(root, kAccept, kReject);
  if (!b.ok()) {
    Instr tree(Op::kTree);
    tree.on_true = kAccept;
    tree.on_false = kReject;
    out.code_.assign(1, tree);
    out.types_.clear();
    out.entry_ = 0;
  }
  out.merge_memo_sets();
  out.code_.shrink_to_fit();
  return out;
}

size_t FlatProgram::inline_checks() const {
  size_t n = 0;
  for (const Instr& in : code_) n += in.op >= Op::kStrEq;
  return n;
}

size_t FlatProgram::leaf_checks() const {
  size_t n = 0;
  for (const Instr& in : code_) n += in.op == Op::kCheck;
  return n;
}

// A jump to a kMemoSet costs a dispatch of its own on the hot path; the instruction that jumps
// there stores the value itself instead. (The kMemoSet may stay, unreachable, or reached from
// another kMemoSet when macros end where the macro around them ends.)
void FlatProgram::merge_memo_sets() {
  auto merge = [&](Instr& in, int32_t& target, uint8_t& store) {
    if (target < 0) return;
    const Instr& set = code_[static_cast<size_t>(target)];
    if (set.op != Op::kMemoSet) return;
    if (store != 0) return;
    if (in.set_on_true | in.set_on_false) {
      if (in.set_cell != set.arg) return;  // one cell per instruction
    }
    in.set_cell = set.arg;
    store = set.value ? kStoreTrue : kStoreFalse;
    target = set.on_true;
  };
  for (Instr& in : code_) {
    if (in.op == Op::kMemoSet || in.op == Op::kTree) continue;
    merge(in, in.on_true, in.set_on_true);
    merge(in, in.on_false, in.set_on_false);
  }
}

}  // namespace peregrine::engine
