// ApiServer::handle_discovery: /version, health, the legacy (non-aggregated) discovery
// documents, and /openapi/v2.
//
// kubectl asks for /openapi/v2 as protobuf (gnostic's openapi_v2.Document) before client-side
// validation and apply; an empty but well-formed document tells it no schema is known, so it
// skips schema checks instead of failing with "failed to download openapi". /openapi/v3 is
// left unserved (404), which kubectl treats as "fall back to v2".
#include "test/apiserver/server.h"

namespace peregrine::apiserver {

using nlohmann::json;

namespace {

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

// A length-delimited protobuf field (wire type 2).
void put_bytes(std::string& out, int field, const std::string& bytes) {
  put_varint(out, static_cast<uint64_t>(field) << 3 | 2);
  put_varint(out, bytes.size());
  out += bytes;
}

std::string openapi_v2_protobuf() {
  std::string info;
  put_bytes(info, 1, "Peregrine test API server");  // Info.title
  put_bytes(info, 2, "v1.32.0");                    // Info.version
  std::string doc;
  put_bytes(doc, 1, "2.0");   // Document.swagger
  put_bytes(doc, 2, info);    // Document.info
  put_bytes(doc, 8, "");      // Document.paths
  put_bytes(doc, 9, "");      // Document.definitions
  return doc;
}

}  // namespace

bool ApiServer::handle_discovery(const httplib::Request& req, httplib::Response& res) {
  if (req.method != "GET") return false;
  const std::string& p = req.path;
  if (p == "/healthz" || p == "/readyz" || p == "/livez") {
    res.set_content("ok", "text/plain");
    return true;
  }
  if (p == "/version") {
    reply(res, 200, {{"major", "1"}, {"minor", "32"}, {"gitVersion", "v1.32.0-peregrine-test"},
                     {"gitCommit", "0000000000000000000000000000000000000000"}, {"gitTreeState", "clean"},
                     {"buildDate", "2025-01-01T00:00:00Z"}, {"goVersion", "go1.23"}, {"compiler", "gc"},
                     {"platform", "linux/amd64"}});
    return true;
  }
  if (p == "/openapi/v2") {
    if (req.get_header_value("Accept").find("protobuf") != std::string::npos) {
      res.set_content(openapi_v2_protobuf(), "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
    } else {
      reply(res, 200, {{"swagger", "2.0"}, {"info", {{"title", "Peregrine test API server"}, {"version", "v1.32.0"}}},
                       {"paths", json::object()}, {"definitions", json::object()}});
    }
    return true;
  }
  if (p == "/api" || p == "/api/") {
    reply(res, 200, {{"kind", "APIVersions"}, {"versions", {"v1"}},
                     {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", "127.0.0.1"}}}}});
    return true;
  }
  if (p == "/apis" || p == "/apis/") {
    reply(res, 200, store_.api_group_list());
    return true;
  }
  std::optional<json> list;
  if (p == "/api/v1" || p == "/api/v1/") {
    list = store_.resource_list("", "v1");
  } else if (p.rfind("/apis/", 0) == 0) {
    std::string rest = p.substr(6);
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    size_t slash = rest.find('/');
    if (slash == std::string::npos) {
      for (const auto& g : store_.api_group_list()["groups"])
        if (g["name"] == rest) {
          json group = g;
          group["kind"] = "APIGroup";
          group["apiVersion"] = "v1";
          reply(res, 200, group);
          return true;
        }
      return false;
    }
    if (rest.find('/', slash + 1) != std::string::npos) return false;
    list = store_.resource_list(rest.substr(0, slash), rest.substr(slash + 1));
  } else {
    return false;
  }
  if (!list) return false;
  reply(res, 200, *list);
  return true;
}

}  // namespace peregrine::apiserver
