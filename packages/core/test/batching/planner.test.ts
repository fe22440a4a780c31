import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { dynamoBatchWriteItem, kinesisPutRecords, planBatches, profiles } from "../../src/batching/index.ts"

const limitsArb = fc.record({
  maxCount: fc.integer({ min: 1, max: 8 }),
  maxBytes: fc.integer({ min: 1, max: 200 }),
  maxRecordBytes: fc.integer({ min: 1, max: 250 }),
})
const sizes = fc.array(fc.integer({ min: 0, max: 260 }), { maxLength: 60 })

describe("planBatches", () => {
  it("respects every limit, keeps order, and rejects exactly the oversized records (invariant 6)", () => {
    checkProperty(
      fc.property(sizes, limitsArb, (records, limits) => {
        const { batches, rejected } = planBatches(
          records.map((size, id) => ({ id, size })),
          (r) => r.size,
          limits,
        )
        const perRecord = Math.min(limits.maxRecordBytes, limits.maxBytes)
        for (const batch of batches) {
          expect(batch.length).toBeGreaterThan(0)
          expect(batch.length).toBeLessThanOrEqual(limits.maxCount)
          expect(batch.reduce((sum, r) => sum + r.size, 0)).toBeLessThanOrEqual(limits.maxBytes)
          for (const record of batch) expect(record.size).toBeLessThanOrEqual(perRecord)
        }
        // Nothing lost, nothing duplicated, order kept.
        const planned = batches.flat().map((r) => r.id)
        const expectedPlanned = records.flatMap((size, id) => (size > perRecord ? [] : [id]))
        expect(planned).toEqual(expectedPlanned)
        expect(rejected.map((r) => r.index)).toEqual(
          records.flatMap((size, id) => (size > perRecord ? [id] : [])),
        )
        for (const r of rejected) expect(r.reason).toMatch(/over the \d+-byte limit per record/)
        // Greedy: a batch closed only because the next record would not fit.
        for (let i = 0; i + 1 < batches.length; i++) {
          const batch = batches[i]!
          const next = batches[i + 1]![0]!
          const bytes = batch.reduce((sum, r) => sum + r.size, 0)
          expect(batch.length === limits.maxCount || bytes + next.size > limits.maxBytes).toBe(true)
        }
      }),
      300,
    )
  })

  it("packs 1,201 Kinesis records into 500 + 500 + 201", () => {
    const { batches } = planBatches(
      Array.from({ length: 1201 }, () => 100),
      (s) => s,
      kinesisPutRecords,
    )
    expect(batches.map((b) => b.length)).toEqual([500, 500, 201])
  })

  it("packs DynamoDB writes 25 at a time and refuses items over 400 KB with a reason", () => {
    const items = [10, 10, 500 * 1024, ...Array.from({ length: 30 }, () => 10)]
    const { batches, rejected } = planBatches(items, (s) => s, dynamoBatchWriteItem)
    expect(batches.map((b) => b.length)).toEqual([25, 7])
    expect(rejected).toEqual([
      {
        record: 500 * 1024,
        index: 2,
        reason: "record is 512000 bytes, over the 409600-byte limit per record",
      },
    ])
  })

  it("names its profiles and rejects unusable limits", () => {
    expect(Object.values(profiles).map((p) => p.name)).toEqual([
      "kinesis-put-records",
      "firehose-put-record-batch",
      "dynamodb-batch-write-item",
      "opensearch-bulk",
    ])
    expect(() => planBatches([1], (s) => s, { maxCount: 0, maxBytes: 1, maxRecordBytes: 1 })).toThrow(
      /maxCount/,
    )
  })
})
