#pragma once
// One AdmissionReview body in, one answer out: the whole protocol of a webhook path, apart from
// HTTP. The server calls it per request; the fuzz target and the unit tests call it directly.

#include <string>
#include <string_view>

#include "operator/admission/admission_review.h"

namespace peregrine::op::admission {

struct ReviewAnswer {
  int http_status = 200;  // 400 for a body that is not an AdmissionReview v1 request
  std::string content_type;
  std::string body;       // an AdmissionReview, or a one-line reason with 400
};

// Never throws: a validator that throws is answered allowed=false with code 500.
ReviewAnswer answer_review(const Validator& validator, std::string_view body);

}  // namespace peregrine::op::admission
