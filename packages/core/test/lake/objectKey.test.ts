import path from "node:path"
import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { objectKeyProblem, objectPrefixProblem } from "../../src/index.ts"

const ROOT = "/srv/lake"
const inside = (key: string) => {
  const resolved = path.resolve(ROOT, key)
  return resolved.startsWith(`${ROOT}/`)
}

describe("object keys", () => {
  it("accepts the lake's keys", () => {
    for (const key of [
      "telemetry/year=2026/month=11/day=26/hour=07/sluice-lake-1-2026-11-26-07-00-00-uuid.gz",
      "a",
      "device=dev:1_x-y/file.gz",
      "ünïcode/✓",
    ]) {
      expect(objectKeyProblem(key)).toBeUndefined()
    }
  })

  it("rejects keys that could leave the folder or mean something else on disk", () => {
    for (const key of [
      "",
      "/abs",
      "a//b",
      "a/",
      "..",
      "a/../b",
      "./a",
      ".hidden",
      "a/.tmp",
      "a\\b",
      "a\u0000b",
      "a\nb",
      `${"x".repeat(256)}`,
    ]) {
      expect(objectKeyProblem(key), key).toBeDefined()
    }
    expect(objectKeyProblem("x/".repeat(600))).toBeDefined()
  })

  it("accepts prefixes that are starts of keys, partial last segment included", () => {
    for (const prefix of ["", "telemetry/", "telemetry/year=20", "a"])
      expect(objectPrefixProblem(prefix)).toBeUndefined()
    for (const prefix of ["/", "../", "a//", "a/../", ".x/"])
      expect(objectPrefixProblem(prefix), prefix).toBeDefined()
  })

  it("never lets an accepted key resolve outside its root (property)", () =>
    checkProperty(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom("..", ".", "", "/", "\\", "a", "%2e%2e", "\u0000"),
            fc.string({ maxLength: 6 }),
          ),
          {
            maxLength: 8,
          },
        ),
        (pieces) => {
          const key = pieces.join("/")
          if (objectKeyProblem(key) === undefined) expect(inside(key)).toBe(true)
        },
      ),
      300,
    ))
})
