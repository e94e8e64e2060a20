#include "agent/events/flag_names.h"

#include <fcntl.h>
#include <sched.h>

#include <cstdio>

namespace peregrine::agent {
namespace {

struct Bit {
  uint64_t mask;
  std::string_view name;
};

void append_bits(uint64_t flags, const Bit* bits, size_t n, std::string& out) {
  uint64_t rest = flags;
  for (size_t i = 0; i < n; ++i) {
    if ((rest & bits[i].mask) == bits[i].mask && bits[i].mask != 0) {
      if (!out.empty()) out += '|';
      out += bits[i].name;
      rest &= ~bits[i].mask;
    }
  }
  if (rest) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(rest));
    if (!out.empty()) out += '|';
    out += buf;
  }
}

// O_TMPFILE includes O_DIRECTORY's bit; listed first so it wins.
constexpr Bit kOpenBits[] = {
    {O_TMPFILE, "O_TMPFILE"}, {O_CREAT, "O_CREAT"},       {O_EXCL, "O_EXCL"},
    {O_NOCTTY, "O_NOCTTY"},   {O_TRUNC, "O_TRUNC"},       {O_APPEND, "O_APPEND"},
    {O_NONBLOCK, "O_NONBLOCK"}, {O_DSYNC, "O_DSYNC"},     {FASYNC, "O_ASYNC"},
    {O_DIRECT, "O_DIRECT"},   {O_LARGEFILE, "O_LARGEFILE"}, {O_DIRECTORY, "O_DIRECTORY"},
    {O_NOFOLLOW, "O_NOFOLLOW"}, {O_NOATIME, "O_NOATIME"}, {O_CLOEXEC, "O_CLOEXEC"},
    {O_PATH, "O_PATH"},       {04000000, "O_SYNC"}  // __O_SYNC: O_SYNC is it plus O_DSYNC,
};

constexpr Bit kCloneBits[] = {
    {CLONE_VM, "CLONE_VM"},
    {CLONE_FS, "CLONE_FS"},
    {CLONE_FILES, "CLONE_FILES"},
    {CLONE_SIGHAND, "CLONE_SIGHAND"},
    {CLONE_PIDFD, "CLONE_PIDFD"},
    {CLONE_PTRACE, "CLONE_PTRACE"},
    {CLONE_VFORK, "CLONE_VFORK"},
    {CLONE_PARENT, "CLONE_PARENT"},
    {CLONE_THREAD, "CLONE_THREAD"},
    {CLONE_NEWNS, "CLONE_NEWNS"},
    {CLONE_SYSVSEM, "CLONE_SYSVSEM"},
    {CLONE_SETTLS, "CLONE_SETTLS"},
    {CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID"},
    {CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID"},
    {CLONE_UNTRACED, "CLONE_UNTRACED"},
    {CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID"},
    {CLONE_NEWCGROUP, "CLONE_NEWCGROUP"},
    {CLONE_NEWUTS, "CLONE_NEWUTS"},
    {CLONE_NEWIPC, "CLONE_NEWIPC"},
    {CLONE_NEWUSER, "CLONE_NEWUSER"},
    {CLONE_NEWPID, "CLONE_NEWPID"},
    {CLONE_NEWNET, "CLONE_NEWNET"},
    {CLONE_IO, "CLONE_IO"},
};

}  // namespace

void append_open_flags(uint64_t flags, std::string& out) {
  switch (flags & O_ACCMODE) {
    case O_WRONLY: out += "O_WRONLY"; break;
    case O_RDWR: out += "O_RDWR"; break;
    default: out += "O_RDONLY"; break;
  }
  std::string rest;
  append_bits(flags & ~static_cast<uint64_t>(O_ACCMODE), kOpenBits,
              std::size(kOpenBits), rest);
  if (!rest.empty()) {
    out += '|';
    out += rest;
  }
}

void append_clone_flags(uint64_t flags, std::string& out) {
  std::string text;
  // The low byte is the exit signal, not a flag.
  append_bits(flags & ~0xffull, kCloneBits, std::size(kCloneBits), text);
  out += text.empty() ? "0" : text;
}

void append_mode(uint64_t mode, std::string& out) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0%llo", static_cast<unsigned long long>(mode));
  out += buf;
}

}  // namespace peregrine::agent
