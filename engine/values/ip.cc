#include "engine/values/ip.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace peregrine::engine {

IpAddr IpAddr::v4(uint32_t host_order) {
  IpAddr a;
  a.family = 4;
  a.bytes[0] = static_cast<uint8_t>(host_order >> 24);
  a.bytes[1] = static_cast<uint8_t>(host_order >> 16);
  a.bytes[2] = static_cast<uint8_t>(host_order >> 8);
  a.bytes[3] = static_cast<uint8_t>(host_order);
  return a;
}

std::optional<IpAddr> IpAddr::parse(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddr a;
  if (inet_pton(AF_INET, buf, a.bytes.data()) == 1) {
    a.family = 4;
    return a;
  }
  if (inet_pton(AF_INET6, buf, a.bytes.data()) == 1) {
    a.family = 6;
    return a;
  }
  return std::nullopt;
}

std::string IpAddr::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family == 4) inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
  else if (family == 6) inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  return buf;
}

std::optional<IpNet> IpNet::parse(std::string_view text) {
  IpNet n;
  size_t slash = text.find('/');
  auto addr = IpAddr::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  n.addr = *addr;
  unsigned max = addr->family == 4 ? 32 : 128;
  unsigned prefix = max;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || prefix > max) {
      return std::nullopt;
    }
  }
  n.prefix = static_cast<uint8_t>(prefix);
  return n;
}

bool IpNet::contains(const IpAddr& ip) const {
  if (ip.family != addr.family) return false;
  unsigned full = prefix / 8, rest = prefix % 8;
  if (std::memcmp(ip.bytes.data(), addr.bytes.data(), full) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (ip.bytes[full] & mask) == (addr.bytes[full] & mask);
}

std::string IpNet::to_string() const { return addr.to_string() + "/" + std::to_string(prefix); }

}  // namespace peregrine::engine
