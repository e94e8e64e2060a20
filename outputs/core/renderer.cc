#include "outputs/core/renderer.h"

namespace peregrine::outputs {

Record Renderer::render(const engine::Alert& alert) const {
  Record r;
  r.time_ns = alert.time_ns;
  r.priority = alert.priority;
  r.rule = alert.rule;
  r.source = alert.source;
  r.tags = alert.tags;
  r.json = alert.to_json();
  // A rule's own field wins over a static custom field of the same name: the event's value is
  // the more specific fact.
  auto& fields = r.json["output_fields"];
  for (const auto& [k, v] : custom_fields_)
    if (!fields.contains(k)) fields[k] = v;
  r.text = template_ ? template_->render(r.json) : alert.output_line();
  return r;
}

}  // namespace peregrine::outputs
