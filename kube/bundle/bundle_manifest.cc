#include "kube/bundle/bundle_manifest.h"

#include <algorithm>

#include <openssl/evp.h>
#include <zlib.h>

#include "kube/bundle/bundle_pack.h"
#include "kube/config.h"

namespace peregrine::kube::bundle {
namespace {

std::string str(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

Result<ManifestFile> parse_file(const nlohmann::json& f, const std::string& where, bool needs_sha) {
  if (!f.is_object()) return make_error("manifest.json: " + where + " is not an object");
  ManifestFile file;
  file.name = str(f, "name");
  file.tenant = str(f, "tenant");
  file.object = str(f, "object");
  file.encoding = str(f, "encoding");
  file.sha256 = str(f, "sha256");
  if (file.encoding.empty()) file.encoding = "identity";
  if (!safe_file_name(file.name)) {
    return make_error("manifest.json: " + where + " has no usable name '" + file.name + "'");
  }
  if (file.object.empty()) return make_error("manifest.json: " + file.name + " names no object");
  if (file.encoding != "identity" && file.encoding != "gzip") {
    return make_error("manifest.json: " + file.name + " has unknown encoding '" + file.encoding + "'");
  }
  if (needs_sha && file.sha256.size() != 64) return make_error("manifest.json: " + file.name + " has no sha256");
  return file;
}

}  // namespace

std::set<std::string> Manifest::objects() const {
  std::set<std::string> out;
  for (const ManifestFile& f : files) out.insert(f.object);
  if (pack) out.insert(pack->object);
  if (outputs) out.insert(outputs->object);
  return out;
}

Result<Manifest> parse_manifest(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return make_error("manifest.json is not a JSON object");
  Manifest m;
  // Not value("version", 0): it throws when the value is there with another type.
  auto version = j.find("version");
  if (version == j.end() || !version->is_number_integer()) return make_error("manifest.json: no version number");
  if (*version != 1) return make_error("manifest.json: unsupported version " + version->dump());
  m.version = 1;
  m.hash = str(j, "hash");
  auto files = j.find("files");
  if (auto pack = j.find("pack"); pack != j.end()) {
    if (files != j.end()) return make_error("manifest.json: both a pack and a files list");
    if (!pack->is_object()) return make_error("manifest.json: pack is not an object");
    ManifestPack p{str(*pack, "object"), str(*pack, "key"), str(*pack, "sha256"), 0};
    auto size = pack->find("size");
    if (p.object.empty() || p.key.empty() || p.sha256.size() != 64 || size == pack->end() ||
        !size->is_number_unsigned())
      return make_error("manifest.json: pack needs object, key, sha256 and size");
    p.size = size->get<size_t>();
    m.pack = std::move(p);
  } else if (files == j.end() || !files->is_array()) {
    return make_error("manifest.json: no files list");
  }
  std::set<std::string> names;
  for (size_t i = 0; files != j.end() && i < files->size(); ++i) {
    auto f = parse_file((*files)[i], "files[" + std::to_string(i) + "]", true);
    if (!f) return f.error();
    if (!names.insert(f->name).second) return make_error("manifest.json: file " + f->name + " listed twice");
    m.files.push_back(std::move(*f));
  }
  if (auto o = j.find("outputs"); o != j.end() && !o->is_null()) {
    // The outputs file may come without a sha256; it is checked when it has one.
    auto f = parse_file(*o, "outputs", false);
    if (!f) return f.error();
    m.outputs = std::move(*f);
  }
  if (auto s = j.find("secret"); s != j.end() && s->is_string()) m.secret = s->get<std::string>();
  if (auto s = j.find("secrets"); s != j.end() && s->is_array()) {
    for (const auto& e : *s) {
      if (!e.is_object()) return make_error("manifest.json: a secrets entry is not an object");
      ManifestSecret ms{str(e, "dir"), str(e, "key"), str(e, "secretKey")};
      if (!safe_file_name(ms.dir) || !safe_file_name(ms.key) || ms.secret_key.empty()) {
        return make_error("manifest.json: secrets entry '" + ms.dir + "/" + ms.key + "' is not usable");
      }
      m.secrets.push_back(std::move(ms));
    }
  }
  if (!m.secrets.empty() && m.secret.empty()) return make_error("manifest.json: secrets listed but no secret named");
  return m;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  // A table, not snprintf per byte: an agent hashes every file of a 1,000-file bundle.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

Result<std::string> gunzip(std::string_view bytes, size_t limit) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return make_error("gzip: cannot start inflate");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  zs.avail_in = static_cast<uInt>(bytes.size());
  std::string out;
  char buf[65536];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return make_error(std::string("gzip: ") + (zs.msg ? zs.msg : "data is not gzip or is cut short"));
    }
    out.append(buf, sizeof buf - zs.avail_out);
    if (out.size() > limit) {
      inflateEnd(&zs);
      return make_error("gzip: inflates past " + std::to_string(limit) + " bytes");
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return make_error("gzip: data is cut short");
    }
  }
  inflateEnd(&zs);
  return out;
}

namespace {

Result<std::string> file_text(const ManifestFile& f, const std::map<std::string, nlohmann::json>& objects) {
  auto obj = objects.find(f.object);
  if (obj == objects.end()) return make_error(f.name + ": object " + f.object + " is missing");
  const char* field = f.encoding == "gzip" ? "binaryData" : "data";
  auto data = obj->second.find(field);
  if (data == obj->second.end() || !data->is_object() || !data->contains(f.name) || !(*data)[f.name].is_string()) {
    return make_error(f.name + ": not found in " + field + " of " + f.object);
  }
  std::string raw = (*data)[f.name].get<std::string>();
  if (f.encoding == "identity") return raw;
  auto decoded = kube::base64_decode(raw);
  if (!decoded) return make_error(f.name + ": binaryData of " + f.object + " is not base64");
  auto text = gunzip(*decoded);
  if (!text) return make_error(f.name + ": " + text.error().message);
  return std::move(*text);
}

Result<BundleFile> verified(const ManifestFile& f, const std::map<std::string, nlohmann::json>& objects) {
  auto text = file_text(f, objects);
  if (!text) return text.error();
  if (!f.sha256.empty()) {
    std::string actual = sha256_hex(*text);
    if (actual != f.sha256) {
      return make_error(f.name + ": sha256 mismatch (manifest " + f.sha256.substr(0, 16) + "..., content " +
                        actual.substr(0, 16) + "...)");
    }
  }
  return BundleFile{f.name, f.tenant, std::move(*text)};
}

// The pack layout's files: the whole pack checked against its one sha256, then split.
Result<std::vector<BundleFile>> unpack_files(const ManifestPack& p,
                                             const std::map<std::string, nlohmann::json>& objects) {
  const std::string where = p.key + " of " + p.object;
  auto obj = objects.find(p.object);
  if (obj == objects.end()) return make_error("pack: object " + p.object + " is missing");
  auto data = obj->second.find("binaryData");
  if (data == obj->second.end() || !data->is_object() || !data->contains(p.key) || !(*data)[p.key].is_string())
    return make_error("pack: no " + where);
  auto decoded = kube::base64_decode((*data)[p.key].get<std::string>());
  if (!decoded) return make_error("pack: " + where + " is not base64");
  // The manifest says how big the pack is: inflating further is already wrong.
  auto pack = gunzip(*decoded, std::min(p.size, size_t{64} << 20));
  if (!pack) return make_error("pack: " + where + ": " + pack.error().message);
  if (pack->size() != p.size)
    return make_error("pack: " + where + " is " + std::to_string(pack->size()) + " bytes, manifest says " +
                      std::to_string(p.size));
  std::string actual = sha256_hex(*pack);
  if (actual != p.sha256)
    return make_error("pack: " + where + ": sha256 mismatch (manifest " + p.sha256.substr(0, 16) + "..., content " +
                      actual.substr(0, 16) + "...)");
  auto contents = parse_pack(*pack, PackRules::kSkip);
  if (!contents) return contents.error();
  std::vector<BundleFile> out;
  out.reserve(contents->files.size());
  for (PackedFile& f : contents->files) out.push_back({std::move(f.name), std::move(f.tenant), std::move(f.text)});
  return out;
}

}  // namespace

Result<Bundle> assemble_bundle(const Manifest& manifest, const std::map<std::string, nlohmann::json>& objects,
                               const nlohmann::json* secret) {
  Bundle bundle;
  bundle.hash = manifest.hash;
  if (manifest.pack) {
    auto files = unpack_files(*manifest.pack, objects);
    if (!files) return files.error();
    bundle.files = std::move(*files);
  }
  for (const ManifestFile& f : manifest.files) {
    auto file = verified(f, objects);
    if (!file) return file.error();
    bundle.files.push_back(std::move(*file));
  }
  if (manifest.outputs) {
    auto file = verified(*manifest.outputs, objects);
    if (!file) return file.error();
    bundle.outputs = std::move(*file);
  }
  if (!manifest.secrets.empty()) {
    if (!secret) return make_error("secret " + manifest.secret + " is missing");
    const nlohmann::json data = secret->value("data", nlohmann::json::object());
    for (const ManifestSecret& s : manifest.secrets) {
      auto it = data.find(s.secret_key);
      if (it == data.end() || !it->is_string()) {
        return make_error("secret " + manifest.secret + " has no key " + s.secret_key);
      }
      auto value = kube::base64_decode(it->get<std::string>());
      if (!value) return make_error("secret " + manifest.secret + ": key " + s.secret_key + " is not base64");
      bundle.secrets.push_back({s.dir, s.key, std::move(*value)});
    }
  }
  return bundle;
}

}  // namespace peregrine::kube::bundle
