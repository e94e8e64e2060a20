#include "test/apiserver/object_meta.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <random>

namespace peregrine::apiserver {

namespace {
std::mt19937_64& rng() {
  static std::mt19937_64 gen{std::random_device{}()};
  return gen;
}
std::mutex rng_mu;
}  // namespace

std::string now_rfc3339() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string new_uid() {
  std::lock_guard lock(rng_mu);
  uint64_t a = rng()(), b = rng()();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

std::string random_suffix(size_t n) {
  static const char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::lock_guard lock(rng_mu);
  std::string s;
  for (size_t i = 0; i < n; ++i) s += kAlphabet[rng()() % (sizeof kAlphabet - 1)];
  return s;
}

std::string check_object_name(const std::string& name) {
  if (name.empty()) return "name or generateName is required";
  if (name.size() > 253) return "must be no more than 253 characters";
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  for (char c : name)
    if (!alnum(c) && c != '-' && c != '.')
      return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'";
  if (!alnum(name.front()) || !alnum(name.back()))
    return "a lowercase RFC 1123 subdomain must start and end with an alphanumeric character";
  return "";
}

}  // namespace peregrine::apiserver
