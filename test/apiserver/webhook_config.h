#pragma once
// ValidatingWebhookConfiguration (admissionregistration.k8s.io/v1) objects as the real API
// server accepts them: the defaults it fills in on write and the checks that refuse a
// configuration the webhook dispatcher could not use. Pure functions, no I/O.

#include <string>

#include <nlohmann/json.hpp>

namespace peregrine::apiserver {

// Fills the defaults of every webhook (failurePolicy Fail, matchPolicy Equivalent,
// namespaceSelector {}, objectSelector {}, timeoutSeconds 10, rules[].scope "*") and returns ""
// when the configuration is valid, else the first field error in the API's form, e.g.
// `webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun`.
std::string default_and_check_webhook_configuration(nlohmann::json& config);

}  // namespace peregrine::apiserver
