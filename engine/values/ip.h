#pragma once
// IPv4/IPv6 addresses and networks as the engine compares them. IPv4 is stored in the first
// four bytes. Plain value types; no allocation.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace peregrine::engine {

struct IpAddr {
  uint8_t family = 0;  // 4 or 6; 0 = none
  std::array<uint8_t, 16> bytes{};

  static IpAddr v4(uint32_t host_order);
  static std::optional<IpAddr> parse(std::string_view text);
  std::string to_string() const;
  bool operator==(const IpAddr&) const = default;
};

struct IpNet {
  IpAddr addr;
  uint8_t prefix = 0;  // bits

  // Accepts `10.0.0.0/8`, `fd00::/8`, or a bare address (a /32 or /128).
  static std::optional<IpNet> parse(std::string_view text);
  bool contains(const IpAddr& ip) const;
  std::string to_string() const;
  bool operator==(const IpNet&) const = default;
};

}  // namespace peregrine::engine
