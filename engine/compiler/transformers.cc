#include "engine/compiler/transformers.h"

#include <cctype>
#include <string>

namespace peregrine::engine {
namespace {

bool b64_decode(std::string_view in, std::string& out) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  uint32_t acc = 0;
  int bits = 0;
  size_t i = 0;
  for (; i < in.size() && in[i] != '='; ++i) {
    int v = val(in[i]);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  for (; i < in.size(); ++i)
    if (in[i] != '=') return false;
  return true;
}

bool transform_one(ast::Transformer t, std::string_view s, std::string& out) {
  switch (t) {
    case ast::Transformer::kToLower:
      for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return true;
    case ast::Transformer::kToUpper:
      for (char c : s) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return true;
    case ast::Transformer::kB64:
      return b64_decode(s, out);
    case ast::Transformer::kBasename: {
      size_t slash = s.rfind('/');
      out.assign(slash == std::string_view::npos ? s : s.substr(slash + 1));
      return true;
    }
  }
  return false;
}

}  // namespace

bool apply_transformer(ast::Transformer t, const Extraction& in, Extraction& out) {
  out.reset();
  if (in.kind() == Extraction::Kind::kList) {
    out.begin_list();
    for (auto item : in.list()) {
      std::string& buf = out.own_buffer();
      if (!transform_one(t, item, buf)) {
        out.reset();
        return false;
      }
      out.add_item(buf);
    }
    return true;
  }
  std::string text = in.kind() == Extraction::Kind::kString ? std::string() : in.to_string();
  std::string_view src = in.kind() == Extraction::Kind::kString ? in.str() : std::string_view(text);
  std::string& buf = out.own_buffer();
  if (!transform_one(t, src, buf)) {
    out.reset();
    return false;
  }
  out.set_string(buf);
  return true;
}

}  // namespace peregrine::engine
