#include "kube/bundle/bundle_manifest.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "kube/bundle/bundle_pack.h"
#include "kube/bundle/bundle_store.h"

namespace peregrine::kube::bundle {
namespace {

std::string gzip(const std::string& text) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, text.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string base64(const std::string& bytes) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int s : {18, 12, 6, 0}) out += k[(v >> s) & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    for (int s : {18, 12, 6}) out += k[(v >> s) & 63];
    out += "=";
  }
  return out;
}

const std::string kRulesA = "- rule: a\n  desc: a\n  condition: evt.type = open\n  output: a\n  priority: WARNING\n";
const std::string kRulesB = "- list: shells\n  items: [sh, bash]\n";
const std::string kOutputs = "outputs:\n  - {name: hook, type: webhook, url: http://x/}\n";

// A bundle with one identity file in the main object, one gzip'd file in a part, outputs and
// a secret; `tamper` edits the objects before assembly.
struct Fixture {
  nlohmann::json manifest;
  std::map<std::string, nlohmann::json> objects;
  nlohmann::json secret;

  Fixture() {
    manifest = {{"version", 1},
                {"hash", "0123456789abcdef"},
                {"files",
                 {{{"name", "000-cluster.yaml"}, {"tenant", ""}, {"object", "peregrine-bundle-0123456789abcdef"},
                   {"encoding", "identity"}, {"sha256", sha256_hex(kRulesA)}},
                  {{"name", "010-team-a-web.yaml"}, {"tenant", "team-a"},
                   {"object", "peregrine-bundle-0123456789abcdef-1"}, {"encoding", "gzip"},
                   {"sha256", sha256_hex(kRulesB)}}}},
                {"outputs",
                 {{"name", "outputs.yaml"}, {"object", "peregrine-bundle-0123456789abcdef"}, {"encoding", "identity"},
                  {"sha256", sha256_hex(kOutputs)}}},
                {"secret", "peregrine-bundle-0123456789abcdef"},
                {"secrets", {{{"dir", "team-a.hook"}, {"key", "token"}, {"secretKey", "team-a.hook.token"}}}},
                {"rules", nlohmann::json::array()}};
    objects["peregrine-bundle-0123456789abcdef"] = {
        {"metadata", {{"name", "peregrine-bundle-0123456789abcdef"}}},
        {"data", {{"manifest.json", manifest.dump()}, {"000-cluster.yaml", kRulesA}, {"outputs.yaml", kOutputs}}}};
    objects["peregrine-bundle-0123456789abcdef-1"] = {
        {"metadata", {{"name", "peregrine-bundle-0123456789abcdef-1"}}},
        {"binaryData", {{"010-team-a-web.yaml", base64(gzip(kRulesB))}}}};
    secret = {{"data", {{"team-a.hook.token", base64("s3cret")}}}};
  }

  Result<Bundle> assemble() const {
    auto m = parse_manifest(manifest.dump());
    if (!m) return m.error();
    return assemble_bundle(*m, objects, &secret);
  }
};

TEST(BundleManifest, AssemblesIdentityGzipOutputsAndSecrets) {
  Fixture f;
  auto m = parse_manifest(f.manifest.dump());
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->objects(), (std::set<std::string>{"peregrine-bundle-0123456789abcdef",
                                                 "peregrine-bundle-0123456789abcdef-1"}));
  auto b = f.assemble();
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->hash, "0123456789abcdef");
  ASSERT_EQ(b->files.size(), 2u);
  EXPECT_EQ(b->files[0].name, "000-cluster.yaml");
  EXPECT_EQ(b->files[0].tenant, "");
  EXPECT_EQ(b->files[0].text, kRulesA);
  EXPECT_EQ(b->files[1].tenant, "team-a");
  EXPECT_EQ(b->files[1].text, kRulesB);
  ASSERT_TRUE(b->outputs);
  EXPECT_EQ(b->outputs->text, kOutputs);
  ASSERT_EQ(b->secrets.size(), 1u);
  EXPECT_EQ(b->secrets[0].dir, "team-a.hook");
  EXPECT_EQ(b->secrets[0].key, "token");
  EXPECT_EQ(b->secrets[0].value, "s3cret");
}

TEST(BundleManifest, ShaMismatchNamesTheFile) {
  Fixture f;
  f.objects["peregrine-bundle-0123456789abcdef"]["data"]["000-cluster.yaml"] = kRulesA + "# changed\n";
  auto b = f.assemble();
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("000-cluster.yaml: sha256 mismatch"), std::string::npos) << b.error().message;
}

TEST(BundleManifest, GzipContentIsCheckedUncompressed) {
  Fixture f;
  f.objects["peregrine-bundle-0123456789abcdef-1"]["binaryData"]["010-team-a-web.yaml"] =
      base64(gzip(kRulesB + "- macro: extra\n  condition: proc.name = x\n"));
  auto b = f.assemble();
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("010-team-a-web.yaml: sha256 mismatch"), std::string::npos);
}

TEST(BundleManifest, NotGzipOrNotBase64IsAnError) {
  Fixture f;
  f.objects["peregrine-bundle-0123456789abcdef-1"]["binaryData"]["010-team-a-web.yaml"] = base64(kRulesB);
  auto b = f.assemble();
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("010-team-a-web.yaml: gzip"), std::string::npos) << b.error().message;

  f.objects["peregrine-bundle-0123456789abcdef-1"]["binaryData"]["010-team-a-web.yaml"] = "***";
  b = f.assemble();
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("not base64"), std::string::npos) << b.error().message;

  std::string cut = gzip(kRulesB);
  f.objects["peregrine-bundle-0123456789abcdef-1"]["binaryData"]["010-team-a-web.yaml"] =
      base64(cut.substr(0, cut.size() / 2));
  b = f.assemble();
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("gzip"), std::string::npos) << b.error().message;
}

TEST(BundleManifest, MissingPartOrKeyIsAnError) {
  Fixture f;
  f.objects.erase("peregrine-bundle-0123456789abcdef-1");
  auto b = f.assemble();
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("object peregrine-bundle-0123456789abcdef-1 is missing"), std::string::npos);

  Fixture g;
  g.objects["peregrine-bundle-0123456789abcdef"]["data"].erase("outputs.yaml");
  b = g.assemble();
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("outputs.yaml: not found in data"), std::string::npos) << b.error().message;

  Fixture h;
  h.secret = {{"data", nlohmann::json::object()}};
  b = h.assemble();
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("has no key team-a.hook.token"), std::string::npos) << b.error().message;
}

// Files are whole texts (identity, gzip) or live in the pack layout; a file entry with any other
// encoding is refused, naming it.
TEST(BundleManifest, RefusesAnUnknownFileEncoding) {
  Fixture f;
  f.manifest["files"][1]["encoding"] = "pack";
  auto m = parse_manifest(f.manifest.dump());
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("unknown encoding 'pack'"), std::string::npos) << m.error().message;
}

// The pack layout: the manifest names one pack; its index lists the files, and its one sha256
// covers the index and the texts. 1,000 files in load order, next to outputs and a secret.
TEST(BundleManifest, AssemblesPackLayout) {
  Fixture f;
  const std::string main = "peregrine-bundle-0123456789abcdef";
  std::vector<PackedFile> files;
  nlohmann::json rules = nlohmann::json::array();
  for (int i = 0; i < 1000; ++i) {
    files.push_back({"f" + std::to_string(1000 + i) + ".yaml", i % 2 ? "team-a" : "",
                     "- list: l" + std::to_string(i) + "\n  items: [" + std::to_string(i) + "]\n"});
    rules.push_back({{"uid", "u" + std::to_string(i)}});
  }
  const std::string pack = write_pack(files, rules);
  auto with_pack = [&](const std::string& bytes, const std::string& sha, size_t size) {
    Fixture g = f;
    g.manifest.erase("files");
    g.manifest.erase("rules");
    g.manifest["pack"] = {{"object", main}, {"key", kPackKey}, {"sha256", sha}, {"size", size}};
    g.objects.erase(main + "-1");
    g.objects[main]["binaryData"] = {{kPackKey, base64(gzip(bytes))}};
    return g;
  };
  Fixture good = with_pack(pack, sha256_hex(pack), pack.size());
  auto m = parse_manifest(good.manifest.dump());
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->objects(), std::set<std::string>{main});
  EXPECT_LT(good.manifest.dump().size(), 1024u);
  auto b = good.assemble();
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_EQ(b->files.size(), 1000u);
  for (size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(b->files[i].name, files[i].name);
    EXPECT_EQ(b->files[i].tenant, files[i].tenant);
    EXPECT_EQ(b->files[i].text, files[i].text);
  }
  ASSERT_TRUE(b->outputs);
  EXPECT_EQ(b->outputs->text, kOutputs);
  ASSERT_EQ(b->secrets.size(), 1u);

  auto refused = [](const Fixture& g, const std::string& why) {
    auto r = g.assemble();
    ASSERT_FALSE(r) << why;
    EXPECT_NE(r.error().message.find(why), std::string::npos) << r.error().message;
  };
  std::string flipped = pack;
  flipped[pack.size() / 2] ^= 1;
  refused(with_pack(flipped, sha256_hex(pack), pack.size()), "sha256 mismatch");
  refused(with_pack(pack + "x", sha256_hex(pack), pack.size()), "inflates past");
  refused(with_pack(pack.substr(1), sha256_hex(pack), pack.size()), "bytes, manifest says");
  // Malformed packs that match their sha256 (an operator bug, not corruption on the way).
  const size_t eol = pack.find('\n');
  for (const std::string& bad : {pack.substr(0, eol / 2) + pack.substr(eol), pack.substr(0, eol / 2),
                                 pack.substr(eol + 1)})
    refused(with_pack(bad, sha256_hex(bad), bad.size()), "index");
  std::string extra = pack + "x", cut = pack.substr(0, pack.size() - 1);
  refused(with_pack(extra, sha256_hex(extra), extra.size()), "1 bytes follow the last file");
  refused(with_pack(cut, sha256_hex(cut), cut.size()), "runs past the end");
  std::vector<PackedFile> twice = {files[0], files[0]};
  std::string dup = write_pack(twice, nullptr);
  refused(with_pack(dup, sha256_hex(dup), dup.size()), "listed twice");
  std::string escape = write_pack({{"../x.yaml", "", "a"}}, nullptr);
  refused(with_pack(escape, sha256_hex(escape), escape.size()), "no usable name");

  Fixture no_pack = good;
  no_pack.objects[main].erase("binaryData");
  refused(no_pack, "no files.pack.gz");
  Fixture both = good;
  both.manifest["files"] = nlohmann::json::array();
  EXPECT_FALSE(parse_manifest(both.manifest.dump()));
  Fixture no_sha = good;
  no_sha.manifest["pack"].erase("sha256");
  EXPECT_FALSE(parse_manifest(no_sha.manifest.dump()));
}

// The pack's index, as both readers take it: the operator's keeps rules[], the agents' skips it;
// every malformed index is refused with what is wrong.
TEST(BundlePack, ReadersAgreeOnFilesAndRefuseMalformedIndexes) {
  const std::string pack = write_pack({{"a.yaml", "", "- list: a\n"}, {"b.yaml", "team", "x"}},
                                      nlohmann::json::array({{{"uid", "u-a"}}, {{"uid", "u-b"}}}));
  auto kept = parse_pack(pack, PackRules::kKeep);
  auto skipped = parse_pack(pack, PackRules::kSkip);
  ASSERT_TRUE(kept) << kept.error().message;
  ASSERT_TRUE(skipped) << skipped.error().message;
  ASSERT_EQ(kept->rules.size(), 2u);
  EXPECT_EQ(kept->rules[1]["uid"], "u-b");
  EXPECT_TRUE(skipped->rules.empty());
  ASSERT_EQ(skipped->files.size(), 2u);
  EXPECT_EQ(skipped->files[1].name, "b.yaml");
  EXPECT_EQ(skipped->files[1].tenant, "team");
  EXPECT_EQ(skipped->files[1].text, "x");

  const std::pair<std::string, std::string> bad[] = {
      {"no newline", "no end of line"},
      {"[1]\n", "not a JSON object"},
      {"{\"files\": \n", "not a JSON object"},
      {"{\"rules\": []}\n", "no files list"},
      {"{\"files\": {}}\n", "no files list"},
      {"{\"files\": [7]}\n", "files[0] has no name and size"},
      {"{\"files\": [{\"name\": \"a.yaml\"}]}\n", "files[0] has no name and size"},
      {"{\"files\": [{\"name\": \"a.yaml\", \"size\": -1}]}\n", "files[0] has no name and size"},
      {"{\"files\": [{\"name\": \"a.yaml\", \"size\": \"1\"}]}\n", "files[0] has no name and size"},
      {"{\"files\": [{\"name\": 3, \"size\": 1}]}\n", "files[0] has no name and size"},
      {"{\"files\": [{\"name\": \".hidden\", \"size\": 0}]}\n", "no usable name"},
  };
  for (const auto& [text, why] : bad) {
    for (PackRules rules : {PackRules::kKeep, PackRules::kSkip}) {
      auto r = parse_pack(text, rules);
      ASSERT_FALSE(r) << text;
      EXPECT_NE(r.error().message.find(why), std::string::npos) << text << ": " << r.error().message;
    }
  }
  // A tenant of another type is no tenant, as before the reader moved to simdjson.
  auto odd_tenant = parse_pack("{\"files\": [{\"name\": \"a.yaml\", \"tenant\": 5, \"size\": 1}]}\nx", PackRules::kSkip);
  ASSERT_TRUE(odd_tenant) << odd_tenant.error().message;
  EXPECT_EQ(odd_tenant->files[0].tenant, "");
}

TEST(BundleManifest, RefusesBadManifests) {
  EXPECT_FALSE(parse_manifest("not json"));
  EXPECT_FALSE(parse_manifest(R"({"version": 2, "files": []})"));
  EXPECT_FALSE(parse_manifest(R"({"version": 1})"));
  // Found by fuzz/bundle_fuzzer: a version of another type threw out of the reader.
  for (const char* odd : {R"({"version": {}, "files": []})", R"({"version": "1", "files": []})",
                          R"({"version": 1.5, "files": []})", R"({"files": []})"}) {
    auto m = parse_manifest(odd);
    ASSERT_FALSE(m) << odd;
    EXPECT_NE(m.error().message.find("version"), std::string::npos) << m.error().message;
  }
  // Names become file names on the node.
  for (const char* name : {"../etc/passwd", "a/b.yaml", ".hidden", ""}) {
    nlohmann::json m = {{"version", 1},
                        {"files", {{{"name", name}, {"object", "o"}, {"sha256", std::string(64, 'a')}}}}};
    EXPECT_FALSE(parse_manifest(m.dump())) << name;
  }
  nlohmann::json no_sha = {{"version", 1}, {"files", {{{"name", "a.yaml"}, {"object", "o"}}}}};
  EXPECT_FALSE(parse_manifest(no_sha.dump()));
  nlohmann::json twice = {{"version", 1},
                          {"files",
                           {{{"name", "a.yaml"}, {"object", "o"}, {"sha256", std::string(64, 'a')}},
                            {{"name", "a.yaml"}, {"object", "o"}, {"sha256", std::string(64, 'a')}}}}};
  EXPECT_FALSE(parse_manifest(twice.dump()));
  nlohmann::json encoding = {
      {"version", 1},
      {"files", {{{"name", "a.yaml"}, {"object", "o"}, {"encoding", "zstd"}, {"sha256", std::string(64, 'a')}}}}};
  EXPECT_FALSE(parse_manifest(encoding.dump()));
  nlohmann::json bad_dir = {{"version", 1}, {"files", nlohmann::json::array()}, {"secret", "s"},
                            {"secrets", {{{"dir", ".."}, {"key", "k"}, {"secretKey", "x"}}}}};
  EXPECT_FALSE(parse_manifest(bad_dir.dump()));
}

TEST(BundleManifest, Sha256OfKnownText) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(BundleStore, WritesPrivateFilesAndPrunesOtherBundles) {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / ("peregrine-bundle-store-" + std::to_string(::getpid()));
  fs::remove_all(root);
  Fixture f;
  auto b = f.assemble();
  ASSERT_TRUE(b);
  auto dir = store_bundle(root.string(), *b);
  ASSERT_TRUE(dir) << dir.error().message;
  EXPECT_EQ(*dir, (root / "0123456789abcdef").string());
  EXPECT_EQ(read(*dir + "/000-cluster.yaml"), kRulesA);
  EXPECT_EQ(read(*dir + "/010-team-a-web.yaml"), kRulesB);
  EXPECT_EQ(read(*dir + "/outputs.yaml"), kOutputs);
  struct stat st {};
  ASSERT_EQ(::stat(dir->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((*dir + "/000-cluster.yaml").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  Bundle next = *b;
  next.hash = "fedcba9876543210";
  auto dir2 = store_bundle(root.string(), next);
  ASSERT_TRUE(dir2);
  // Both stay until the new one is in force.
  EXPECT_TRUE(fs::exists(*dir + "/000-cluster.yaml"));
  prune_bundles(root.string(), *dir2);
  EXPECT_FALSE(fs::exists(*dir));
  EXPECT_TRUE(fs::exists(*dir2 + "/000-cluster.yaml"));

  ASSERT_TRUE(store_secrets((root / "secrets").string(), *b));
  EXPECT_EQ(read((root / "secrets/team-a.hook/token").string()), "s3cret");
  ASSERT_EQ(::stat((root / "secrets/team-a.hook/token").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  fs::remove_all(root);
}

}  // namespace
}  // namespace peregrine::kube::bundle
