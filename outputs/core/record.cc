#include "outputs/core/record.h"

namespace peregrine::outputs {

std::string Record::json_line() const {
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace peregrine::outputs
