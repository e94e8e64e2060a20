#pragma once
// Byte codecs the bundle format needs: SHA-256 in hex, gzip (RFC 1952) and base64 (the encoding
// Kubernetes uses for ConfigMap binaryData). Pure functions, thread-safe; failures are values.
// Hashing and inflating are the agents' bundle reader's (kube/bundle), limit included: the
// operator reads the same objects back.

#include <optional>
#include <string>
#include <string_view>

namespace peregrine::op {

std::string sha256_hex(std::string_view data);
std::string gzip_compress(std::string_view data);
// nullopt when `data` is not a complete gzip stream or inflates past 64 MiB (a bundle object
// is at most 1 MiB: more is a crafted one).
std::optional<std::string> gzip_decompress(std::string_view data);
std::string base64_encode(std::string_view data);

}  // namespace peregrine::op
