// Checks on address fields. A right-hand side may be an address or a CIDR network; an address
// matches when it lies in any of them (`fd.sip = 10.0.0.0/8`, `fd.net in (...)`).

#include <optional>

#include "common/strings.h"
#include "engine/compiler/checks/check.h"

namespace peregrine::engine {
namespace {

class IpCheck final : public Program {
 public:
  IpCheck(uint32_t slot, CmpOp op, std::vector<IpNet> nets) : slot_(slot), op_(op), nets_(std::move(nets)) {}

  bool eval(EvalContext& ctx) const override {
    const Extraction* v = ctx.value(slot_);
    if (!v) return false;
    std::optional<IpAddr> ip;
    if (v->kind() == Extraction::Kind::kIp) ip = v->ip();
    else if (v->kind() == Extraction::Kind::kNet) ip = v->net().addr;
    else if (v->kind() == Extraction::Kind::kString) ip = IpAddr::parse(v->str());
    if (!ip) return false;
    bool inside = false;
    for (const auto& n : nets_) {
      if (n.contains(*ip)) {
        inside = true;
        break;
      }
    }
    return op_ == CmpOp::kNe ? !inside : inside;
  }

 private:
  uint32_t slot_;
  CmpOp op_;
  std::vector<IpNet> nets_;
};

}  // namespace

Result<ProgramPtr> make_ip_check(const CheckSpec& spec) {
  if (spec.op != CmpOp::kEq && spec.op != CmpOp::kNe && spec.op != CmpOp::kIn &&
      spec.op != CmpOp::kIntersects) {
    return make_error("operator " + quoted(spec.op_text) + " does not apply to " +
                      quoted(spec.field_name) + ", " + field_type_phrase(spec.type));
  }
  std::vector<IpNet> nets;
  for (const auto& item : spec.rhs.items) {
    auto net = IpNet::parse(item);
    if (!net) {
      return make_error(quoted(item) + " is not an IP address or CIDR network, but " +
                        quoted(spec.field_name) + " is " + field_type_phrase(spec.type));
    }
    nets.push_back(*net);
  }
  return ProgramPtr(std::make_unique<IpCheck>(spec.slot, spec.op, std::move(nets)));
}

}  // namespace peregrine::engine
