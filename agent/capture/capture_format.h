#pragma once
// The capture file `peregrine agent --record FILE` writes and `peregrine replay --source
// syscall` reads. Little-endian throughout.
//
//   file header, 32 bytes:
//     char  magic[8]            "PRGNCAP\0"
//     u16   format_version      kCaptureFormatVersion
//     u16   schema_version      PEREGRINE_SCHEMA_VERSION of the records inside
//     u32   reserved            0
//     i64   realtime_offset_ns  CLOCK_REALTIME - CLOCK_BOOTTIME when recording started
//     u64   reserved            0
//   then blocks, each:
//     u32   kind                kBlockSnapshot | kBlockRecord
//     u32   length              bytes of payload that follow
//     payload
//
//   kBlockSnapshot: JSON (state_snapshot.h): the process table with fds, and the passwd and
//     group files the agent resolved names from. The first block of every capture, so replay
//     starts from the state the live agent had; a reader applies every snapshot it meets.
//   kBlockRecord: one driver record exactly as the probe wrote it (driver/event_schema.h).
//
// A truncated last block (the agent was killed mid-write) ends the capture without error.

#include <cstdint>

namespace peregrine::agent {

inline constexpr char kCaptureMagic[8] = {'P', 'R', 'G', 'N', 'C', 'A', 'P', '\0'};
inline constexpr uint16_t kCaptureFormatVersion = 1;
inline constexpr uint32_t kCaptureHeaderSize = 32;
inline constexpr uint32_t kBlockSnapshot = 1;
inline constexpr uint32_t kBlockRecord = 2;
inline constexpr uint32_t kMaxBlockSize = 256u << 20;

}  // namespace peregrine::agent
