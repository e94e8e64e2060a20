#pragma once
// Turns an engine::Alert into the Record one sink receives: Falco's JSON, the sink's static
// custom fields added to output_fields (as Falcosidekick's customfields are), and the text line.
// Immutable after construction; safe to share between threads.

#include <map>
#include <optional>
#include <string>

#include "engine/output/alert.h"
#include "outputs/core/record.h"
#include "outputs/core/text_template.h"

namespace peregrine::outputs {

class Renderer {
 public:
  Renderer() = default;
  Renderer(std::map<std::string, std::string> custom_fields, std::optional<TextTemplate> tmpl)
      : custom_fields_(std::move(custom_fields)), template_(std::move(tmpl)) {}

  Record render(const engine::Alert& alert) const;

 private:
  std::map<std::string, std::string> custom_fields_;
  std::optional<TextTemplate> template_;
};

}  // namespace peregrine::outputs
