#include "operator/admission/review_handler.h"

#include <exception>

namespace peregrine::op::admission {

ReviewAnswer answer_review(const Validator& validator, std::string_view body) {
  auto request = parse_admission_review(body);
  if (!request.ok())
    return {400, "text/plain; charset=utf-8", "bad AdmissionReview: " + request.error().message + "\n"};
  Verdict verdict;
  try {
    verdict = validator(*request);
  } catch (const std::exception& e) {
    verdict = Verdict::deny(std::string("the webhook failed: ") + e.what(), {}, 500, "InternalError");
  } catch (...) {
    verdict = Verdict::deny("the webhook failed", {}, 500, "InternalError");
  }
  // Messages quote rule text, which the parser saw as valid UTF-8 but a validator may cut:
  // replace, never throw, on invalid bytes.
  std::string text = admission_response(request->uid, verdict)
                         .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return {200, "application/json", std::move(text)};
}

}  // namespace peregrine::op::admission
