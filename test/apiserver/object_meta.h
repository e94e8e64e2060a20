#pragma once
// Small helpers for object metadata the store fills in: uids, timestamps, name validation.

#include <string>

namespace peregrine::apiserver {

std::string now_rfc3339();
std::string new_uid();
// A DNS-1123 subdomain: lowercase alphanumerics, '-' and '.', at most 253 characters, starting
// and ending with an alphanumeric. Empty when valid, else the reason.
std::string check_object_name(const std::string& name);
std::string random_suffix(size_t n);

}  // namespace peregrine::apiserver
