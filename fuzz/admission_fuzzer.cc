// libFuzzer target: AdmissionReview bodies as the operator's validating webhook receives them,
// parsed and answered through the same handler the HTTPS server calls. The validator echoes
// what the parser extracted, so the response writer sees every field, cut anywhere.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "operator/admission/review_handler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace peregrine::op::admission;
  static const Validator echo = [](const AdmissionRequest& r) {
    std::string seen = r.operation + " " + r.ns + "/" + r.name + " " + r.kind + " " + r.resource + " " + r.user;
    if (r.object.is_object()) seen += " " + std::to_string(r.object.size());
    // Odd lengths cut the text mid-character: the writer must cope.
    if (seen.size() % 2) return Verdict::deny(seen.substr(0, seen.size() / 2), {seen});
    return Verdict::allow({seen.substr(0, seen.size() / 3)});
  };
  ReviewAnswer a = answer_review(echo, std::string_view(reinterpret_cast<const char*>(data), size));
  if (a.http_status != 200 && a.http_status != 400) std::abort();
  if (a.http_status == 200 && nlohmann::json::parse(a.body, nullptr, false).is_discarded()) std::abort();
  return 0;
}
