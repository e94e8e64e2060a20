#include "operator/bundle.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "kube/bundle/bundle_manifest.h"
#include "kube/config.h"
#include "operator/codec.h"
#include "operator/planner.h"

namespace peregrine::op {
namespace {

using nlohmann::json;

BundleContent sample(int files = 2, size_t text_size = 0, bool random_text = false) {
  BundleContent c;
  std::minstd_rand rng(7);
  for (int i = 0; i < files; ++i) {
    std::string text = "- rule: r" + std::to_string(i) + "\n";
    while (text.size() < text_size) text += random_text ? char('a' + rng() % 26) : 'x';
    c.files.push_back({file_name(i, "team-a", "web" + std::to_string(i)), i == 0 ? "" : "team-a", text,
                       RuleRef{"team-a", "web" + std::to_string(i), "uid-" + std::to_string(i), 3}});
  }
  return c;
}

std::optional<json> no_parts(const std::string&) { return std::nullopt; }

TEST(Codec, GzipRoundTripAndBase64) {
  std::string text(100000, 'a');
  auto back = gzip_decompress(gzip_compress(text));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, text);
  EXPECT_FALSE(gzip_decompress("not gzip"));
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// A bundle object holds at most 1 MiB; gzip of a run of one byte inflates ~1,000-fold. A
// crafted object must not make the operator allocate without bound when it reads it back.
TEST(Codec, GzipThatInflatesPast64MiBIsRefused) {
  const std::string bomb = gzip_compress(std::string((64u << 20) + 1, 'a'));
  EXPECT_LT(bomb.size(), 1u << 20);
  EXPECT_FALSE(gzip_decompress(bomb));
  EXPECT_TRUE(gzip_decompress(gzip_compress(std::string(1u << 20, 'a'))));
}

TEST(Bundle, FileNames) {
  EXPECT_EQ(file_name(7, "team-a", "web"), "007-team-a-web.yaml");
  EXPECT_EQ(file_name(1234, "ns", "x"), "1234-ns-x.yaml");
}

TEST(Bundle, HashIsStableAndFollowsContent) {
  BundleContent a = sample(), b = sample();
  EXPECT_EQ(bundle_hash(a), bundle_hash(b));
  EXPECT_EQ(bundle_hash(a).size(), 16u);
  b.files[1].text += "# changed\n";
  EXPECT_NE(bundle_hash(a), bundle_hash(b));
  b = sample();
  b.files[1].rule.generation = 4;
  EXPECT_NE(bundle_hash(a), bundle_hash(b)) << "a new generation is a new bundle, even with the same text";
  b = sample();
  b.files[1].tenant = "";
  EXPECT_NE(bundle_hash(a), bundle_hash(b));
  b = sample();
  b.secrets.push_back({"team-a.creds", "token", "team-a.creds.token", "s3cret"});
  BundleContent c = b;
  c.secrets[0].value = "other";
  EXPECT_NE(bundle_hash(b), bundle_hash(c)) << "a rotated credential must reach the agents";
  // The layout does not enter the hash: a smaller budget renders the same name.
  auto big = render_bundle(a, "peregrine-system", {});
  auto small = render_bundle(a, "peregrine-system", {.object_budget = 200});
  ASSERT_TRUE(big && small);
  EXPECT_EQ(big->name, small->name);
}

TEST(Bundle, SmallBundleIsOneIdentityObject) {
  BundleContent c = sample();
  c.outputs_yaml = "outputs:\n- type: stdout\n";
  auto b = render_bundle(c, "peregrine-system");
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_EQ(b->config_maps.size(), 1u);
  const json& cm = b->config_maps[0];
  EXPECT_EQ(cm["metadata"]["name"], "peregrine-bundle-" + b->hash);
  EXPECT_EQ(cm["metadata"]["namespace"], "peregrine-system");
  EXPECT_EQ(cm["metadata"]["labels"]["peregrine.dev/bundle"], b->hash);
  EXPECT_EQ(cm["metadata"]["labels"]["app.kubernetes.io/part-of"], "peregrine");
  EXPECT_EQ(cm["data"]["000-team-a-web0.yaml"], c.files[0].text);
  json m = json::parse(cm["data"]["manifest.json"].get<std::string>());
  EXPECT_EQ(m, b->manifest);
  EXPECT_EQ(m["version"], 1);
  EXPECT_EQ(m["hash"], b->hash);
  ASSERT_EQ(m["files"].size(), 2u);
  EXPECT_EQ(m["files"][1]["tenant"], "team-a");
  EXPECT_EQ(m["files"][1]["encoding"], "identity");
  EXPECT_EQ(m["files"][1]["object"], b->name);
  EXPECT_EQ(m["files"][1]["sha256"], sha256_hex(c.files[1].text));
  EXPECT_EQ(m["rules"][1], json({{"namespace", "team-a"}, {"name", "web1"}, {"uid", "uid-1"}, {"generation", 3}}));
  EXPECT_EQ(m["outputs"]["name"], "outputs.yaml");
  EXPECT_EQ(cm["data"]["outputs.yaml"], *c.outputs_yaml);
  EXPECT_TRUE(m["secret"].is_null());
  EXPECT_FALSE(b->secret);
  auto back = read_bundle(cm, no_parts);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->files[1].text, c.files[1].text);
  EXPECT_EQ(back->files[1].rule, c.files[1].rule);
  EXPECT_EQ(*back->outputs_yaml, *c.outputs_yaml);
}

// What an agent or the audit webhook reads of a single-object bundle (kube/bundle).
Result<kube::bundle::Bundle> read_as_agent(const json& main) {
  auto manifest = kube::bundle::parse_manifest(main["data"]["manifest.json"].get<std::string>());
  if (!manifest) return manifest.error();
  return kube::bundle::assemble_bundle(*manifest, {{main["metadata"]["name"].get<std::string>(), main}}, nullptr);
}

TEST(Bundle, NearTheLimitFilesArePacked) {
  BundleContent c = sample(3, 4000);  // compressible: fits once gzip'd
  auto b = render_bundle(c, "ns", {.object_budget = 8000});
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_EQ(b->config_maps.size(), 1u);
  const json& cm = b->config_maps[0];
  EXPECT_FALSE(cm["data"].contains("000-team-a-web0.yaml"));
  ASSERT_EQ(cm["binaryData"].size(), 1u);
  ASSERT_TRUE(cm["binaryData"].contains(kPackKey));
  EXPECT_TRUE(b->manifest.contains("pack"));
  EXPECT_FALSE(b->manifest.contains("files"));
  auto back = read_bundle(cm, no_parts);
  ASSERT_TRUE(back) << back.error().message;
  for (size_t i = 0; i < c.files.size(); ++i) EXPECT_EQ(back->files[i].text, c.files[i].text);
}

// A thousand FalcoRules fit as they are, but ship as one packed entry: one small object for
// every agent to GET and parse. The same bytes read back through the operator's reader and the
// agents' (kube/bundle), every file verified against its sha256.
TEST(Bundle, ManyFilesArePackedAndReadByBothReaders) {
  BundleContent c = sample(1000, 400);
  c.outputs_yaml = "outputs:\n- type: stdout\n";
  auto b = render_bundle(c, "peregrine-system");
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_EQ(b->config_maps.size(), 1u);
  const json& cm = b->config_maps[0];
  EXPECT_EQ(cm["data"].size(), 2u) << "manifest.json and outputs.yaml";
  ASSERT_EQ(cm["binaryData"].size(), 1u);
  // The hash follows the content, not the layout; the packed object is the smaller one.
  auto unpacked = render_bundle(c, "peregrine-system", {.pack_above = 1u << 30});
  ASSERT_TRUE(unpacked);
  EXPECT_EQ(unpacked->name, b->name);
  EXPECT_EQ(unpacked->manifest["files"][0]["encoding"], "identity");
  EXPECT_LT(cm.dump().size(), unpacked->config_maps[0].dump().size());
  // The manifest every agent parses does not grow with the files: they are listed in the pack.
  const json& m = b->manifest;
  EXPECT_FALSE(m.contains("files"));
  EXPECT_FALSE(m.contains("rules"));
  EXPECT_EQ(m["pack"]["object"], b->name);
  EXPECT_EQ(m["pack"]["key"], kPackKey);
  EXPECT_EQ(m["pack"]["sha256"].get<std::string>().size(), 64u);
  EXPECT_GT(m["pack"]["size"].get<size_t>(), 1000u * 400);
  EXPECT_LT(cm["data"]["manifest.json"].get<std::string>().size(), 512u) << cm["data"]["manifest.json"];
  EXPECT_EQ(bundle_rules(cm).size(), 1000u);
  EXPECT_TRUE(bundle_rules(cm).count({"uid-999", 3}));

  auto back = read_bundle(cm, no_parts);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->files.size(), 1000u);
  for (size_t i = 0; i < c.files.size(); i += 99) {
    EXPECT_EQ(back->files[i].text, c.files[i].text);
    EXPECT_EQ(back->files[i].rule, c.files[i].rule);
  }
  auto agent = read_as_agent(cm);
  ASSERT_TRUE(agent) << agent.error().message;
  ASSERT_EQ(agent->files.size(), 1000u);
  EXPECT_EQ(agent->hash, b->hash);
  for (size_t i = 0; i < c.files.size(); ++i) {
    EXPECT_EQ(agent->files[i].name, c.files[i].name);
    EXPECT_EQ(agent->files[i].tenant, c.files[i].tenant);
    EXPECT_EQ(agent->files[i].text, c.files[i].text);
  }
  ASSERT_TRUE(agent->outputs);
  EXPECT_EQ(agent->outputs->text, *c.outputs_yaml);
}

// One sha256 covers the whole pack: a changed byte anywhere in it, index or text, is refused by
// both readers; a pack that matches its sha256 but is malformed (an index cut short, sizes that
// do not add up) is refused too.
TEST(Bundle, CorruptPackIsDetected) {
  auto b = render_bundle(sample(3, 4000), "ns", {.object_budget = 8000});
  ASSERT_TRUE(b);
  const json cm = b->config_maps[0];
  auto raw = kube::base64_decode(cm["binaryData"][kPackKey].get<std::string>());
  ASSERT_TRUE(raw);
  const std::string pack = *gzip_decompress(*raw);
  const size_t eol = pack.find('\n');
  ASSERT_NE(eol, std::string::npos);
  // `bytes` as the pack; `resign` writes its sha256 and size into the manifest.
  auto with_pack = [&](const std::string& bytes, bool resign) {
    json o = cm;
    o["binaryData"][kPackKey] = base64_encode(gzip_compress(bytes));
    if (resign) {
      json m = json::parse(o["data"]["manifest.json"].get<std::string>());
      m["pack"]["sha256"] = sha256_hex(bytes);
      m["pack"]["size"] = bytes.size();
      o["data"]["manifest.json"] = m.dump();
    }
    return o;
  };
  auto refused = [&](const json& o, const std::string& why) {
    auto op = read_bundle(o, no_parts);
    ASSERT_FALSE(op) << why;
    EXPECT_NE(op.error().message.find(why), std::string::npos) << op.error().message;
    auto agent = read_as_agent(o);
    ASSERT_FALSE(agent) << why;
    EXPECT_NE(agent.error().message.find(why), std::string::npos) << agent.error().message;
    EXPECT_TRUE(bundle_rules(o).empty());
  };
  ASSERT_TRUE(read_bundle(with_pack(pack, false), no_parts));
  ASSERT_TRUE(read_as_agent(with_pack(pack, false)));

  std::string text_byte = pack;
  text_byte[pack.size() - 100] ^= 1;
  refused(with_pack(text_byte, false), "sha256");
  std::string index_byte = pack;
  index_byte[eol / 2] ^= 1;
  refused(with_pack(index_byte, false), "sha256");
  refused(with_pack(pack.substr(0, pack.size() - 1), false), "pack");

  std::string cut_index = pack.substr(0, eol / 2) + pack.substr(eol);
  refused(with_pack(cut_index, true), "index");
  refused(with_pack(pack.substr(eol + 1), true), "index");
  refused(with_pack(pack + "x", true), "follow the last file");
  refused(with_pack(pack.substr(0, pack.size() - 1), true), "past the end");
}

// manifest.json is JSON inside a string, its types checked by nobody before the readers: a
// field of the wrong type is a refused bundle (or no rules), never an exception.
TEST(Bundle, WronglyTypedManifestFieldsAreRefused) {
  auto b = render_bundle(sample(2), "ns");
  ASSERT_TRUE(b);
  auto with_manifest = [&](const std::function<void(json&)>& edit) {
    json o = b->config_maps[0];
    json m = json::parse(o["data"]["manifest.json"].get<std::string>());
    edit(m);
    o["data"]["manifest.json"] = m.dump();
    return o;
  };
  ASSERT_TRUE(read_bundle(with_manifest([](json&) {}), no_parts));
  EXPECT_FALSE(read_bundle(with_manifest([](json& m) { m["files"][0]["name"] = 7; }), no_parts));
  EXPECT_FALSE(read_bundle(with_manifest([](json& m) { m["files"][0]["sha256"] = json::array(); }), no_parts));
  EXPECT_FALSE(read_bundle(with_manifest([](json& m) { m["rules"][1]["generation"] = "three"; }), no_parts));
  EXPECT_TRUE(bundle_rules(with_manifest([](json& m) { m["rules"][1]["uid"] = 5; })).empty());
  auto no_metadata = b->config_maps[0];
  no_metadata.erase("metadata");
  EXPECT_FALSE(read_bundle(no_metadata, no_parts)) << "files name their object by the bundle's own name";
}

TEST(Bundle, TooBigWhenGzippedSpillsIntoOwnedParts) {
  BundleContent c = sample(5, 3000, /*random_text=*/true);  // incompressible enough
  auto b = render_bundle(c, "ns", {.object_budget = 7000});
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_GT(b->config_maps.size(), 2u);
  std::map<std::string, json> objects;
  for (const json& o : b->config_maps) objects[o["metadata"]["name"]] = o;
  for (size_t i = 1; i < b->config_maps.size(); ++i) {
    const json& part = b->config_maps[i];
    EXPECT_EQ(part["metadata"]["name"], b->name + "-" + std::to_string(i));
    EXPECT_EQ(part["metadata"]["labels"]["peregrine.dev/bundle-part"], std::to_string(i));
    EXPECT_LE(part.dump().size(), 7000u + 400u);
  }
  EXPECT_TRUE(b->config_maps[0]["data"].contains("manifest.json"));
  auto back = read_bundle(b->config_maps[0], [&](const std::string& name) -> std::optional<json> {
    auto it = objects.find(name);
    return it == objects.end() ? std::nullopt : std::optional<json>(it->second);
  });
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->files.size(), 5u);
  for (size_t i = 0; i < c.files.size(); ++i) EXPECT_EQ(back->files[i].text, c.files[i].text);
  EXPECT_FALSE(read_bundle(b->config_maps[0], no_parts)) << "a missing part is an error";
}

TEST(Bundle, FileLargerThanAnObjectIsAnError) {
  auto b = render_bundle(sample(1, 5000, true), "ns", {.object_budget = 1000});
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("000-team-a-web0.yaml"), std::string::npos);
}

TEST(Bundle, SecretCarriesCredentials) {
  BundleContent c = sample();
  c.secrets.push_back({"team-a.creds", "token", "team-a.creds.token", "s3cret"});
  auto b = render_bundle(c, "ns");
  ASSERT_TRUE(b && b->secret);
  EXPECT_EQ((*b->secret)["metadata"]["name"], b->name);
  EXPECT_EQ((*b->secret)["data"]["team-a.creds.token"], base64_encode("s3cret"));
  EXPECT_EQ(b->manifest["secret"], b->name);
  EXPECT_EQ(b->manifest["secrets"][0], json({{"dir", "team-a.creds"}, {"key", "token"}, {"secretKey", "team-a.creds.token"}}));
  EXPECT_EQ(b->config_maps[0].dump().find("s3cret"), std::string::npos);
}

TEST(Bundle, CorruptFileIsDetected) {
  auto b = render_bundle(sample(), "ns");
  ASSERT_TRUE(b);
  json cm = b->config_maps[0];
  cm["data"]["001-team-a-web1.yaml"] = "tampered";
  EXPECT_FALSE(read_bundle(cm, no_parts));
}

}  // namespace
}  // namespace peregrine::op
