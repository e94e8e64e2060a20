#include "audit-webhook/line_alert_sink.h"

#include <string>

namespace peregrine::audit {

void LineAlertSink::emit(const engine::Alert& alert) {
  std::string line = format_ == AlertFormat::kJson ? alert.to_json_line() : alert.output_line();
  line.push_back('\n');
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace peregrine::audit
