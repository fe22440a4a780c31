import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  aggregate,
  aggregatedEntrySize,
  aggregateOverhead,
  deaggregate,
  type UserRecord,
} from "../../src/batching/index.ts"

const userRecord: fc.Arbitrary<UserRecord> = fc
  .record({
    partitionKey: fc.string({ minLength: 1, maxLength: 20 }),
    explicitHashKey: fc.option(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }).map(String), { nil: undefined }),
    data: fc.uint8Array({ maxLength: 300 }),
  })
  .map(({ explicitHashKey, ...rest }) =>
    explicitHashKey === undefined ? rest : { ...rest, explicitHashKey },
  )

describe("KPL aggregation", () => {
  it("round-trips any user records", () => {
    checkProperty(
      fc.property(fc.array(userRecord, { minLength: 1, maxLength: 20 }), (records) => {
        const result = deaggregate(aggregate(records))
        expect(result.kind).toBe("aggregated")
        if (result.kind === "aggregated") {
          expect(result.records.map((r) => ({ ...r, data: [...r.data] }))).toEqual(
            records.map((r) => ({ ...r, data: [...r.data] })),
          )
        }
      }),
      200,
    )
  })

  it("predicts the size of a single-key aggregate exactly", () => {
    checkProperty(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 10 }),
        (key, datas) => {
          const predicted =
            aggregateOverhead([key]) + datas.reduce((sum, d) => sum + aggregatedEntrySize(d.length), 0)
          expect(aggregate(datas.map((data) => ({ partitionKey: key, data }))).length).toBe(predicted)
        },
      ),
    )
  })

  it("passes records without the magic through as plain", () => {
    checkProperty(
      fc.property(
        fc.uint8Array({ maxLength: 100 }).filter((b) => !(b[0] === 0xf3 && b[1] === 0x89)),
        (bytes) => {
          expect(deaggregate(bytes)).toEqual({ kind: "plain" })
        },
      ),
    )
  })

  it("reports any single corrupted byte after the magic as corrupt, never as records", () => {
    checkProperty(
      fc.property(
        fc.array(userRecord, { minLength: 1, maxLength: 5 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (records, at, flip) => {
          const bytes = aggregate(records)
          const index = 4 + (at % (bytes.length - 4))
          bytes[index] = (bytes[index] as number) ^ flip
          const result = deaggregate(bytes)
          expect(result.kind).toBe("corrupt")
        },
      ),
    )
  })

  it("says why a record is corrupt", () => {
    expect(deaggregate(Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2, 1, 2))).toEqual({
      kind: "corrupt",
      reason: "KPL record is shorter than its header and checksum",
    })
    const bytes = aggregate([{ partitionKey: "k", data: Uint8Array.of(1) }])
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1
    expect(deaggregate(bytes)).toEqual({ kind: "corrupt", reason: "KPL record fails its MD5 check" })
  })
})
