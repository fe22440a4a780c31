import path from "node:path"
import { checkProperty } from "@sluice/testkit"
import { Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  DEFAULT_ERROR_OUTPUT_PREFIX,
  DEFAULT_LAKE_PREFIX,
  evaluatePrefix,
  firehoseObjectSuffix,
  objectKeyProblem,
  type PrefixTemplate,
  parsePrefix,
  partitionIdentity,
  uuidFromBytes,
} from "../../src/index.ts"

const parse = (source: string, forErrors = false): PrefixTemplate => {
  const parsed = parsePrefix(source, { forErrors })
  if (Result.isFailure(parsed)) throw new Error(parsed.failure)
  return parsed.success
}
const failure = (source: string, forErrors = false) => {
  const parsed = parsePrefix(source, { forErrors })
  return Result.isFailure(parsed) ? parsed.failure : undefined
}
const at = Date.UTC(2026, 10, 26, 7, 5, 9, 42)

describe("Firehose prefix expressions", () => {
  it("evaluates the default data prefix from the transform's partition keys", () => {
    const key = evaluatePrefix(parse(DEFAULT_LAKE_PREFIX), {
      timestampMs: 0,
      partitionKeys: { device: "dev-1", year: "2026", month: "11", day: "26", hour: "07" },
    })
    expect(key).toEqual(Result.succeed("telemetry/year=2026/month=11/day=26/hour=07/"))
  })

  it("evaluates the default error prefix from the arrival time, in UTC", () => {
    const key = evaluatePrefix(parse(DEFAULT_ERROR_OUTPUT_PREFIX, true), {
      timestampMs: at,
      errorOutputType: "processing-failed",
    })
    expect(key).toEqual(Result.succeed("errors/processing-failed/year=2026/month=11/day=26/hour=07/"))
  })

  it("formats Java DateTimeFormatter patterns, quoted literals and the random string", () => {
    const template = parse(
      "dt=!{timestamp:yyyy'-'MM'-'dd}/t=!{timestamp:HH:mm:ss.SSS}/yy=!{timestamp:yy}/!{firehose:random-string}/",
    )
    expect(evaluatePrefix(template, { timestampMs: at, randomString: () => "abcdefghijk" })).toEqual(
      Result.succeed("dt=2026-11-26/t=07:05:09.042/yy=26/abcdefghijk/"),
    )
  })

  it("rejects what Firehose rejects, and what we do not support, at parse time", () => {
    expect(failure("a/!{firehose:error-output-type}/")).toMatch(/only the error output prefix/)
    expect(failure("e/!{partitionKeyFromLambda:device}/", true)).toMatch(/cannot use partitionKeyFromLambda/)
    expect(failure("!{partitionKeyFromQuery:device}/")).toMatch(/not supported/)
    expect(failure("!{timestamp:yyyy")).toMatch(/not closed/)
    expect(failure("!{timestamp:EEE}/")).toMatch(/letter 'E'/)
    expect(failure("!{nope:x}")).toMatch(/unknown expression/)
    expect(failure("/abs/")).toMatch(/empty segment/)
    expect(failure("../up/")).toMatch(/starting with '.'/)
  })

  it("refuses missing, empty and separator-carrying partition keys", () => {
    const template = parse("device=!{partitionKeyFromLambda:device}/")
    for (const device of [undefined, "", "a/b", "a\\b", "x\n"]) {
      const partitionKeys: Record<string, string> = device === undefined ? {} : { device }
      expect(
        Result.isFailure(evaluatePrefix(template, { timestampMs: 0, partitionKeys })),
        String(device),
      ).toBe(true)
    }
  })

  it("never builds an accepted key outside the lake folder from hostile partition keys (property)", () =>
    checkProperty(
      fc.property(
        fc.oneof(
          fc.constantFrom("..", ".", "../..", "..\\..", "%2F", "a/../../b", "~", "/etc"),
          fc.string({ maxLength: 12 }),
        ),
        (device) => {
          const template = parse("telemetry/!{partitionKeyFromLambda:device}/")
          const prefix = evaluatePrefix(template, { timestampMs: 0, partitionKeys: { device } })
          if (Result.isFailure(prefix)) return
          const key = `${prefix.success}stream-1-x.gz`
          if (objectKeyProblem(key) !== undefined) return
          const root = "/srv/lake"
          expect(path.resolve(root, key).startsWith(`${root}/telemetry/`)).toBe(true)
        },
      ),
      300,
    ))

  it("groups records by the partition keys the prefix uses, and only those", () => {
    const template = parse(DEFAULT_LAKE_PREFIX)
    const a = { device: "a", year: "2026", month: "11", day: "26", hour: "07" }
    expect(partitionIdentity(template, a)).toBe(partitionIdentity(template, { ...a, device: "b" }))
    expect(partitionIdentity(template, a)).not.toBe(partitionIdentity(template, { ...a, hour: "08" }))
  })

  it("names objects as Firehose does", () => {
    const uuid = uuidFromBytes(new Uint8Array(16).fill(0xab))
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(
      firehoseObjectSuffix({
        streamName: "sluice-lake",
        version: 1,
        timestampMs: at,
        uuid,
        extension: ".gz",
      }),
    ).toBe(`sluice-lake-1-2026-11-26-07-05-09-${uuid}.gz`)
  })
})
