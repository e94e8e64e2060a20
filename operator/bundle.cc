#include "operator/bundle.h"

#include <cstdio>

#include "kube/bundle/bundle_pack.h"
#include "kube/config.h"
#include "operator/codec.h"

namespace peregrine::op {

using nlohmann::json;

namespace {

json rule_json(const RuleRef& r) {
  return {{"namespace", r.ns}, {"name", r.name}, {"uid", r.uid}, {"generation", r.generation}};
}

json object_meta(const std::string& name, const std::string& ns, const std::string& hash) {
  return {{"name", name},
          {"namespace", ns},
          {"labels", {{kPartOfLabel, "peregrine"}, {kBundleLabel, hash}}}};
}

enum class Layout { kIdentity, kGzip, kParts };

// What every layout's manifest carries besides the files.
json manifest_base(const BundleContent& c, const std::string& hash) {
  const std::string main = bundle_object_name(hash);
  json secrets = json::array();
  for (const SecretUse& s : c.secrets)
    secrets.push_back({{"dir", s.dir}, {"key", s.key}, {"secretKey", s.secret_key}});
  json outputs = nullptr;
  if (c.outputs_yaml)
    outputs = {{"name", "outputs.yaml"}, {"object", main}, {"encoding", "identity"},
               {"sha256", sha256_hex(*c.outputs_yaml)}};
  return {{"version", 1},
          {"hash", hash},
          {"outputs", outputs},
          {"secret", c.secrets.empty() ? json(nullptr) : json(main)},
          {"secrets", secrets}};
}

json rules_json(const BundleContent& c) {
  json rules = json::array();
  for (const BundleFile& f : c.files) rules.push_back(rule_json(f.rule));
  return rules;
}

// The manifest for a layout with a files list; `objects[i]` is where file i lives.
json make_manifest(const BundleContent& c, const std::string& hash, Layout layout,
                   const std::vector<std::string>& objects) {
  const std::string main = bundle_object_name(hash);
  json files = json::array();
  for (size_t i = 0; i < c.files.size(); ++i) {
    const BundleFile& f = c.files[i];
    files.push_back({{"name", f.name},
                     {"tenant", f.tenant},
                     {"object", objects.empty() ? main : objects[i]},
                     {"encoding", layout == Layout::kIdentity ? "identity" : "gzip"},
                     {"sha256", sha256_hex(f.text)}});
  }
  json m = manifest_base(c, hash);
  m["files"] = std::move(files);
  m["rules"] = rules_json(c);
  return m;
}

// The pack layout (kube/bundle/bundle_pack.h): the file list, the rules and the texts are in
// one gzip'd entry; the manifest names it and its sha256, so it stays small however many files.
json make_pack_manifest(const BundleContent& c, const std::string& hash, const std::string& pack) {
  json m = manifest_base(c, hash);
  m["pack"] = {{"object", bundle_object_name(hash)}, {"key", kPackKey}, {"sha256", sha256_hex(pack)},
               {"size", pack.size()}};
  return m;
}

// The uncompressed pack of a bundle's files.
std::string pack_of(const BundleContent& c) {
  std::vector<kube::bundle::PackedFile> files;
  files.reserve(c.files.size());
  for (const BundleFile& f : c.files) files.push_back({f.name, f.tenant, f.text});
  return kube::bundle::write_pack(files, rules_json(c));
}

}  // namespace

std::string file_name(size_t index, const std::string& ns, const std::string& name) {
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "%03zu", index);
  return std::string(prefix) + "-" + ns + "-" + name + ".yaml";
}

std::string bundle_object_name(const std::string& hash) { return "peregrine-bundle-" + hash; }

std::string canonical_content(const BundleContent& c) {
  json files = json::array(), rules = json::array(), secrets = json::array();
  for (const BundleFile& f : c.files) {
    files.push_back({{"name", f.name}, {"tenant", f.tenant}, {"sha256", sha256_hex(f.text)}});
    rules.push_back(rule_json(f.rule));
  }
  for (const SecretUse& s : c.secrets)
    secrets.push_back({{"dir", s.dir}, {"key", s.key}, {"secretKey", s.secret_key}, {"sha256", sha256_hex(s.value)}});
  json outputs = c.outputs_yaml ? json(sha256_hex(*c.outputs_yaml)) : json(nullptr);
  return json{{"version", 1}, {"files", files}, {"outputs", outputs}, {"secrets", secrets}, {"rules", rules}}.dump();
}

std::string bundle_hash(const BundleContent& content) { return sha256_hex(canonical_content(content)).substr(0, 16); }

Result<RenderedBundle> render_bundle(const BundleContent& c, const std::string& ns, const BundleLimits& limits) {
  RenderedBundle out;
  out.hash = bundle_hash(c);
  out.name = bundle_object_name(out.hash);
  const size_t outputs_size = c.outputs_yaml ? c.outputs_yaml->size() + 16 : 0;

  size_t identity_size = outputs_size;
  for (const BundleFile& f : c.files) identity_size += f.name.size() + f.text.size();
  json manifest = make_manifest(c, out.hash, Layout::kIdentity, {});
  json main = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", object_meta(out.name, ns, out.hash)}};

  std::string packed;
  if (identity_size > limits.pack_above || identity_size + manifest.dump().size() > limits.object_budget) {
    const std::string pack = pack_of(c);
    packed = base64_encode(gzip_compress(pack));
    manifest = make_pack_manifest(c, out.hash, pack);
  }
  if (packed.empty()) {
    main["data"] = json::object();
    for (const BundleFile& f : c.files) main["data"][f.name] = f.text;
  } else if (outputs_size + packed.size() + manifest.dump().size() <= limits.object_budget) {
    main["binaryData"] = {{kPackKey, std::move(packed)}};
  } else {
    std::vector<std::string> encoded;
    size_t gzip_size = outputs_size;
    for (const BundleFile& f : c.files) {
      encoded.push_back(base64_encode(gzip_compress(f.text)));
      gzip_size += f.name.size() + encoded.back().size();
    }
    manifest = make_manifest(c, out.hash, Layout::kGzip, {});
    if (gzip_size + manifest.dump().size() <= limits.object_budget) {
      main["binaryData"] = json::object();
      for (size_t i = 0; i < c.files.size(); ++i) main["binaryData"][c.files[i].name] = encoded[i];
    } else {
      // Files fill parts 1..n in order; the main object keeps the manifest and outputs, which
      // keeps the layout a function of the file sizes alone.
      std::vector<std::string> objects(c.files.size());
      std::vector<json> parts;
      size_t used = limits.object_budget;
      for (size_t i = 0; i < c.files.size(); ++i) {
        size_t size = c.files[i].name.size() + encoded[i].size();
        if (size > limits.object_budget)
          return make_error("file " + c.files[i].name + " is " + std::to_string(size) +
                            " bytes gzip'd, more than one object holds (" + std::to_string(limits.object_budget) + ")");
        if (used + size > limits.object_budget) {
          std::string part_name = out.name + "-" + std::to_string(parts.size() + 1);
          json meta = object_meta(part_name, ns, out.hash);
          meta["labels"][kBundlePartLabel] = std::to_string(parts.size() + 1);
          parts.push_back({{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", meta},
                           {"binaryData", json::object()}});
          used = 0;
        }
        parts.back()["binaryData"][c.files[i].name] = encoded[i];
        objects[i] = parts.back()["metadata"]["name"];
        used += size;
      }
      manifest = make_manifest(c, out.hash, Layout::kParts, objects);
      out.config_maps.push_back(main);
      for (auto& p : parts) out.config_maps.push_back(std::move(p));
    }
  }
  if (out.config_maps.empty()) out.config_maps.push_back(main);
  json& m = out.config_maps[0];
  if (!m.contains("data")) m["data"] = json::object();
  m["data"][kManifestKey] = manifest.dump();
  if (c.outputs_yaml) m["data"]["outputs.yaml"] = *c.outputs_yaml;
  out.manifest = std::move(manifest);
  if (!c.secrets.empty()) {
    json secret = {{"apiVersion", "v1"}, {"kind", "Secret"}, {"type", "Opaque"},
                   {"metadata", object_meta(out.name, ns, out.hash)}, {"data", json::object()}};
    for (const SecretUse& s : c.secrets) secret["data"][s.secret_key] = base64_encode(s.value);
    out.secret = std::move(secret);
  }
  return out;
}

namespace {

// The pack layout's files, rules included, once the whole pack matches its sha256.
Result<std::vector<BundleFile>> read_pack(const std::string& main_name, const json& p,
                                          const std::function<const json*(const std::string&)>& object) {
  const std::string holder_name = p.value("object", main_name), key = p.value("key", kPackKey);
  const json* holder = object(holder_name);
  if (!holder) return make_error(main_name + ": object " + holder_name + " is missing");
  auto raw = kube::base64_decode(holder->value("binaryData", json::object()).value(key, ""));
  auto pack = raw ? gzip_decompress(*raw) : std::nullopt;
  if (!pack) return make_error(main_name + ": " + holder_name + " has no valid " + key);
  if (sha256_hex(*pack) != p.value("sha256", ""))
    return make_error(main_name + ": " + key + " does not match its sha256");
  auto contents = kube::bundle::parse_pack(*pack, kube::bundle::PackRules::kKeep);
  if (!contents) return make_error(main_name + ": " + contents.error().message);
  if (contents->rules.size() != contents->files.size())
    return make_error(main_name + ": " + key + " files and rules differ in length");
  std::vector<BundleFile> out;
  out.reserve(contents->files.size());
  for (size_t i = 0; i < contents->files.size(); ++i) {
    kube::bundle::PackedFile& f = contents->files[i];
    const json& r = contents->rules[i];
    if (!r.is_object())
      return make_error(main_name + ": " + key + " rules[" + std::to_string(i) + "] is not an object");
    RuleRef rule{r.value("namespace", ""), r.value("name", ""), r.value("uid", ""), r.value("generation", int64_t{0})};
    out.push_back({std::move(f.name), std::move(f.tenant), std::move(f.text), std::move(rule)});
  }
  return out;
}

}  // namespace

namespace {

std::string object_name(const json& object) {
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return "";
  auto name = meta->find("name");
  return name != meta->end() && name->is_string() ? name->get<std::string>() : "";
}

Result<BundleContent> read_bundle_fields(const json& main_object,
                                         const std::function<std::optional<json>(const std::string&)>& get_object) {
  const std::string main_name = object_name(main_object);
  const json& data = main_object.value("data", json::object());
  if (!data.contains(kManifestKey) || !data[kManifestKey].is_string())
    return make_error(main_name + " has no manifest.json");
  json manifest = json::parse(data[kManifestKey].get<std::string>(), nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object()) return make_error(main_name + ": manifest.json is not JSON");
  std::map<std::string, json> objects{{main_name, main_object}};
  auto object = [&](const std::string& name) -> const json* {
    if (auto it = objects.find(name); it != objects.end()) return &it->second;
    auto got = get_object(name);
    if (!got) return nullptr;
    return &objects.emplace(name, std::move(*got)).first->second;
  };

  BundleContent out;
  json files = manifest.value("files", json::array());
  json rules = manifest.value("rules", json::array());
  if (const json& p = manifest.value("pack", json()); p.is_object()) {
    auto unpacked = read_pack(main_name, p, object);
    if (!unpacked) return unpacked.error();
    out.files = std::move(*unpacked);
    files = json::array();
    rules = json::array();
  }
  if (!files.is_array() || !rules.is_array() || files.size() != rules.size())
    return make_error(main_name + ": manifest files and rules differ in length");

  for (size_t i = 0; i < files.size(); ++i) {
    const json& f = files[i];
    BundleFile file;
    file.name = f.value("name", "");
    file.tenant = f.value("tenant", "");
    const json* holder = object(f.value("object", main_name));
    if (!holder) return make_error(main_name + ": object " + f.value("object", "") + " is missing");
    const std::string encoding = f.value("encoding", "identity");
    if (encoding == "gzip") {
      auto b64 = holder->value("binaryData", json::object()).value(file.name, "");
      auto raw = kube::base64_decode(b64);
      auto text = raw ? gzip_decompress(*raw) : std::nullopt;
      if (!text) return make_error(main_name + ": " + file.name + " is not valid base64 gzip");
      file.text = std::move(*text);
    } else {
      file.text = holder->value("data", json::object()).value(file.name, "");
    }
    if (sha256_hex(file.text) != f.value("sha256", ""))
      return make_error(main_name + ": " + file.name + " does not match its sha256");
    const json& r = rules[i];
    file.rule = {r.value("namespace", ""), r.value("name", ""), r.value("uid", ""), r.value("generation", int64_t{0})};
    out.files.push_back(std::move(file));
  }
  if (const json& o = manifest.value("outputs", json()); o.is_object()) {
    const json* holder = object(o.value("object", main_name));
    if (!holder) return make_error(main_name + ": outputs object is missing");
    out.outputs_yaml = holder->value("data", json::object()).value(o.value("name", "outputs.yaml"), "");
  }
  for (const json& s : manifest.value("secrets", json::array()))
    out.secrets.push_back({s.value("dir", ""), s.value("key", ""), s.value("secretKey", ""), ""});
  return out;
}

}  // namespace

Result<BundleContent> read_bundle(const json& main_object,
                                  const std::function<std::optional<json>(const std::string&)>& get_object) {
  // manifest.json and the pack index are JSON inside a string: the API server checks none of
  // their types, and anyone who may write ConfigMaps in the namespace can change them. A field
  // of the wrong type is a refused bundle, not an exception out of json::value().
  try {
    return read_bundle_fields(main_object, get_object);
  } catch (const json::exception& e) {
    return make_error(object_name(main_object) + ": " + e.what());
  }
}

}  // namespace peregrine::op
