#pragma once
// Errors of the Kubernetes client as values. common/result.h's Error carries only a message;
// callers of the API also need the HTTP status (409 → retry, 404 → gone, 410 → re-list) and
// the Status `reason`, so kube has its own Result type with a richer error. `to_error()` turns
// one into a peregrine::Error where a caller only propagates it.

#include <cassert>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "common/result.h"

namespace peregrine::kube {

struct ApiError {
  int http_status = 0;      // 0: no HTTP answer (connect failure, timeout, TLS, cancelled)
  std::string reason;       // the Status reason: NotFound, Conflict, Expired, ...; or Timeout, Transport
  std::string message;      // the Status message, or the transport's error text
  std::chrono::seconds retry_after{0};  // from a Retry-After header, 0 when absent

  bool is_not_found() const { return http_status == 404; }
  bool is_conflict() const { return http_status == 409 && reason != "AlreadyExists"; }
  bool is_already_exists() const { return http_status == 409 && reason == "AlreadyExists"; }
  bool is_gone() const { return http_status == 410 || reason == "Expired" || reason == "Gone"; }
  // Worth retrying after a pause: throttling, server errors, and no answer at all.
  bool is_transient() const { return http_status == 0 || http_status == 429 || http_status >= 500; }
  std::string describe() const {
    return (http_status ? "HTTP " + std::to_string(http_status) + " " : "") + (reason.empty() ? "" : reason + ": ") +
           message;
  }
  Error to_error() const { return Error{describe()}; }
};

template <typename T>
class [[nodiscard]] ApiResult {
 public:
  ApiResult(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  ApiResult(ApiError error) : state_(std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { assert(ok()); return std::get<0>(state_); }
  const T& value() const& { assert(ok()); return std::get<0>(state_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const ApiError& error() const { assert(!ok()); return std::get<1>(state_); }

 private:
  std::variant<T, ApiError> state_;
};

template <>
class [[nodiscard]] ApiResult<void> {
 public:
  ApiResult() = default;
  ApiResult(ApiError error) : error_(std::move(error)) {}  // NOLINT
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const ApiError& error() const { assert(!ok()); return *error_; }

 private:
  std::optional<ApiError> error_;
};

using ApiStatus = ApiResult<void>;

}  // namespace peregrine::kube
