/**
 * The frame checksum: the native zlib CRC-32 (when the runtime has it) and the portable
 * fallback agree, so a log written under one runtime recovers under the other.
 */
import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { crc32, crc32Portable } from "../../src/stream/crc32.ts"

describe("crc32", () => {
  it("gives the standard check value", () => {
    const check = new TextEncoder().encode("123456789")
    expect(crc32(check)).toBe(0xcbf43926)
    expect(crc32Portable(check)).toBe(0xcbf43926)
  })

  it("agrees with the portable version on any bytes (property)", () =>
    checkProperty(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => crc32(bytes) === crc32Portable(bytes)),
    ))
})
