import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type BatchLimits, deaggregate } from "../../src/batching/index.ts"
import { type PendingRecord, planOrderedCall, settleOrderedCall } from "../../src/delivery/index.ts"

const utf8 = new TextEncoder()
const decode = new TextDecoder()

/** Drives the planner against a stream that fails entries at random, until every queue is empty. */
const simulate = (
  records: ReadonlyArray<PendingRecord>,
  limits: BatchLimits,
  failures: ReadonlyArray<boolean>,
  aggregate: boolean,
) => {
  let queues = new Map<string, ReadonlyArray<PendingRecord>>()
  for (const record of records)
    queues.set(record.partitionKey, [...(queues.get(record.partitionKey) ?? []), record])
  const stream: { partitionKey: string; data: Uint8Array }[] = []
  const oversized: PendingRecord[] = []
  const calls: { count: number; bytes: number; maxRecord: number }[] = []
  let draw = 0
  for (let round = 0; queues.size > 0; round++) {
    if (round > 10_000) throw new Error("did not drain")
    const plan = planOrderedCall(queues, limits, { aggregate })
    oversized.push(...plan.oversized.map((o) => o.record))
    const sizes = plan.call.entries.map((e) => utf8.encode(e.partitionKey).length + e.data.length)
    calls.push({
      count: sizes.length,
      bytes: sizes.reduce((a, b) => a + b, 0),
      maxRecord: Math.max(0, ...sizes),
    })
    // After 50 rounds stop failing, so the simulation always drains.
    const ok = plan.call.entries.map(
      () => round > 50 || !(failures[draw++ % Math.max(1, failures.length)] ?? false),
    )
    plan.call.entries.forEach((entry, i) => {
      if (ok[i]) stream.push({ partitionKey: entry.partitionKey, data: entry.data })
    })
    queues = settleOrderedCall(plan.queues, plan.call, ok)
  }
  return { stream, oversized, calls }
}

const recordsArb = fc.array(
  fc.record({
    partitionKey: fc.constantFrom("dev-a", "dev-b", "dev-c", "dev-d"),
    size: fc.integer({ min: 1, max: 120 }),
  }),
  { maxLength: 60 },
)

describe("ordered puts (invariant 3: a partial failure never reorders a key)", () => {
  it("delivers each key's records once, in order, within the limits, whatever fails", () => {
    checkProperty(
      fc.property(
        recordsArb,
        fc.array(fc.boolean(), { maxLength: 20 }),
        fc.boolean(),
        fc.record({
          maxCount: fc.integer({ min: 1, max: 5 }),
          maxBytes: fc.integer({ min: 150, max: 600 }),
          maxRecordBytes: fc.integer({ min: 60, max: 400 }),
        }),
        (specs, failures, aggregate, limits) => {
          const records = specs.map((s, i) => ({
            partitionKey: s.partitionKey,
            data: utf8.encode(`${s.partitionKey}#${String(i).padStart(3, "0")}`.padEnd(s.size, ".")),
          }))
          const { stream, oversized, calls } = simulate(records, limits, failures, aggregate)
          for (const call of calls) {
            expect(call.count).toBeLessThanOrEqual(limits.maxCount)
            expect(call.bytes).toBeLessThanOrEqual(limits.maxBytes)
            expect(call.maxRecord).toBeLessThanOrEqual(limits.maxRecordBytes)
          }
          const delivered = stream.flatMap((entry) => {
            const d = deaggregate(entry.data)
            return d.kind === "aggregated" ? d.records.map((r) => r.data) : [entry.data]
          })
          const expected = records.filter((r) => !oversized.includes(r)).map((r) => r.data)
          for (const key of ["dev-a", "dev-b", "dev-c", "dev-d"]) {
            const mine = (list: Uint8Array[]) =>
              list.map((d) => decode.decode(d)).filter((s) => s.startsWith(`${key}#`))
            expect(mine(delivered)).toEqual(mine(expected))
          }
          for (const record of oversized)
            expect(utf8.encode(record.partitionKey).length + record.data.length).toBeGreaterThan(
              limits.maxRecordBytes,
            )
        },
      ),
      300,
    )
  })

  it("sends one entry per key per call and retries a failed key before newer keys", () => {
    const rec = (k: string, s: string) => ({ partitionKey: k, data: utf8.encode(s) })
    const queues = new Map([
      ["a", [rec("a", "a1"), rec("a", "a2")]],
      ["b", [rec("b", "b1")]],
    ])
    const limits = { maxCount: 500, maxBytes: 5 * 1024 * 1024, maxRecordBytes: 1024 * 1024 }
    const plan = planOrderedCall(queues, limits)
    expect(plan.call.entries.map((e) => [e.partitionKey, e.count])).toEqual([
      ["a", 2],
      ["b", 1],
    ])
    const next = settleOrderedCall(plan.queues, plan.call, [false, true])
    expect([...next.keys()]).toEqual(["a"])
    expect(next.get("a")?.length).toBe(2)
  })
})
