// Checks the structs shared with the kernel against the BTF clang wrote into probe.bpf.o:
// a size or offset that differs between the BPF build and this C++ build fails here, not as
// garbled events (Tetragon's alignchecker idea).

#include <bpf/btf.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "driver/bpf/probe.h"

namespace peregrine::driver {
namespace {

struct Field {
  const char* name;
  size_t offset;
};

struct BtfDeleter {
  void operator()(btf* b) const { btf__free(b); }
};

class BpfLayout : public ::testing::Test {
 protected:
  void SetUp() override {
    btf_.reset(btf__parse_elf(PEREGRINE_PROBE_BPF_OBJECT, nullptr));
    ASSERT_NE(btf_, nullptr) << "no BTF in " << PEREGRINE_PROBE_BPF_OBJECT;
  }

  void expect_layout(const char* type, size_t size, const std::vector<Field>& fields) {
    const int id = btf__find_by_name_kind(btf_.get(), type, BTF_KIND_STRUCT);
    ASSERT_GT(id, 0) << "struct " << type << " not in the object's BTF";
    const btf_type* t = btf__type_by_id(btf_.get(), id);
    EXPECT_EQ(t->size, size) << type;
    const btf_member* members = btf_members(t);
    for (const Field& f : fields) {
      bool found = false;
      for (uint16_t i = 0; i < btf_vlen(t); ++i) {
        if (std::string(btf__name_by_offset(btf_.get(), members[i].name_off)) != f.name) continue;
        found = true;
        EXPECT_EQ(btf_member_bit_offset(t, i), f.offset * 8) << type << "." << f.name;
      }
      EXPECT_TRUE(found) << type << "." << f.name << " missing in BTF";
    }
    EXPECT_EQ(btf_vlen(t), fields.size()) << type << ": member count differs";
  }

  std::unique_ptr<btf, BtfDeleter> btf_;
};

#define FIELD(type, member) Field{#member, offsetof(type, member)}

TEST_F(BpfLayout, EventHeader) {
  using T = peregrine_event_hdr;
  expect_layout("peregrine_event_hdr", sizeof(T),
                {FIELD(T, magic), FIELD(T, version), FIELD(T, type), FIELD(T, len),
                 FIELD(T, nparams), FIELD(T, flags), FIELD(T, ts_ns), FIELD(T, tid),
                 FIELD(T, pid), FIELD(T, res), FIELD(T, cpu), FIELD(T, prior_close)});
}

TEST_F(BpfLayout, SockTuple) {
  using T = peregrine_socktuple;
  expect_layout("peregrine_socktuple", sizeof(T),
                {FIELD(T, family), FIELD(T, type), FIELD(T, protocol), FIELD(T, lport),
                 FIELD(T, rport), FIELD(T, pad0), FIELD(T, pad1), FIELD(T, laddr),
                 FIELD(T, raddr)});
}

TEST_F(BpfLayout, Counters) {
  using T = peregrine_probe_counters;
  expect_layout("peregrine_probe_counters", sizeof(T),
                {FIELD(T, events), FIELD(T, drops_ringbuf), FIELD(T, drops_stash),
                 FIELD(T, truncated), FIELD(T, no_enter)});
}

TEST_F(BpfLayout, StashAndSpecs) {
  using S = peregrine_syscall_stash;
  expect_layout("peregrine_syscall_stash", sizeof(S), {FIELD(S, args), FIELD(S, id)});
  using E = peregrine_event_spec;
  expect_layout("peregrine_event_spec", sizeof(E),
                {FIELD(E, nparams), FIELD(E, pad), FIELD(E, params)});
}

}  // namespace
}  // namespace peregrine::driver
