/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial) of a record body, to tell a torn or damaged
 * frame from a whole one on recovery.
 *
 * Node ≥ 20.15 ships it as `zlib.crc32` (native, several GB/s); on an older runtime a small
 * table-driven version gives the same numbers, so a log written by one runs on the other.
 */
import * as zlib from "node:zlib"

const TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

/** The portable version: the reference the native one is tested against. */
export const crc32Portable = (bytes: Uint8Array): number => {
  let crc = 0xffffffff
  for (let i = 0; i < bytes.length; i++)
    crc = (TABLE[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32

/** CRC-32 of the bytes, as an unsigned 32-bit integer. */
export const crc32: (bytes: Uint8Array) => number = native ? (bytes) => native(bytes) >>> 0 : crc32Portable
