/**
 * The Kinesis consumer's invariants (DESIGN.md 1, 2, 3, 5) against the fault-injecting memory
 * table, invoked as Lambda would: per shard, from the checkpoint; after a partial batch
 * response, again from the reported sequence number; after a rejection, the whole batch again.
 * Shards hold plain and KPL records (some corrupt), valid and poison payloads, duplicates, and
 * readings whose copies sit in both shards (so they arrive in any order across batches). The
 * table throttles, fails, half-applies batches, times out after writing and crashes mid-batch;
 * the dead-letter store fails now and then; the Lambda deadline is sometimes already near.
 */
import {
  DeadLetters,
  type Item,
  KinesisBatchFailed,
  type KinesisBatchSummary,
  kinesisConsumer,
  Retryable,
} from "@sluice/core"
import { checkAsyncProperty } from "@sluice/testkit"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { memoryDeadLetters, memoryTable, seededRandom } from "../src/index.ts"
import {
  buildShards,
  DEVICES,
  type Expectation,
  eventOf,
  expectationOf,
  recordSpec,
  type ShardRecord,
} from "./kinesisConsumerEvents.ts"

const faultsArb = fc.record({
  throttle: fc.double({ min: 0, max: 0.25, noNaN: true }),
  error: fc.double({ min: 0, max: 0.25, noNaN: true }),
  partial: fc.double({ min: 0, max: 0.4, noNaN: true }),
  timeoutAfterWrite: fc.double({ min: 0, max: 0.25, noNaN: true }),
  crash: fc.double({ min: 0, max: 0.08, noNaN: true }),
})

const settingsArb = fc.record({
  mode: fc.constantFrom("ordered" as const, "parallel" as const),
  batchSize: fc.integer({ min: 1, max: 8 }),
  chunkSize: fc.integer({ min: 1, max: 6 }),
  rejectable: fc.boolean(),
  deadLetterFailure: fc.double({ min: 0, max: 0.7, noNaN: true }),
  deadlineNear: fc.double({ min: 0, max: 0.3, noNaN: true }),
})

const fastPolicy = { baseDelayMs: 0, maxDelayMs: 0, maxAttempts: 3, maxElapsedMs: 1_000 }
const keyOf = (item: Item) => `${item.deviceId}\u0000${item.ts}`
const decodePayload = (base64: string) => {
  try {
    return JSON.parse(Buffer.from(base64, "base64").toString("utf8")) as Record<string, unknown>
  } catch {
    return {}
  }
}

describe("kinesisConsumer invariants, invoked as Lambda would", () => {
  it("stores each distinct reading once, dead-letters each poison record once, never moves latest state back", async () => {
    await checkAsyncProperty(
      fc.asyncProperty(
        fc.array(recordSpec, { maxLength: 24 }),
        faultsArb,
        settingsArb,
        fc.integer(),
        async (specs, faults, settings, seed) => {
          const { rejectable } = settings
          const table = memoryTable({
            seed,
            faults: {
              ...faults,
              poison: (item) =>
                (item as Item).REJECT === true ? "the store refuses REJECT items" : undefined,
            },
          })
          const letters = memoryDeadLetters()
          const random = seededRandom(seed ^ 0x5bd1e995)
          const flakyLetters = DeadLetters.of({
            put: (batch) =>
              Effect.suspend(() =>
                random.next() < settings.deadLetterFailure
                  ? Effect.fail(new Retryable({ reason: "simulated dead-letter outage" }))
                  : letters.service.put(batch),
              ),
            list: letters.service.list,
          })
          const summaries: KinesisBatchSummary[] = []
          const handler = kinesisConsumer({
            table,
            deadLetters: { service: flakyLetters },
            mode: settings.mode,
            chunkSize: settings.chunkSize,
            retry: fastPolicy,
            deadlineMarginMs: 100,
            onBatch: (summary) => summaries.push(summary),
          })
          const context = {
            getRemainingTimeInMillis: () => (random.next() < settings.deadlineNear ? 50 : 60_000),
          }
          const shards = buildShards(specs, rejectable)
          const expectations = shards.map((shard) => shard.map((r) => expectationOf(r, rejectable)))
          const checkpoints = [0, 0]
          const latestSeen = new Map<string, string>()

          const rejectedLetters = () =>
            new Set(
              [...letters.letters.values()]
                .filter((l) => l.reason.startsWith("the table rejects"))
                .map((l) => {
                  const payload = decodePayload(l.payload)
                  return `${payload.DEVICE_NAME}\u0000${payload.TIMESTAMP}`
                }),
            )
          /** Accounting: everything before a checkpoint is in its final place. */
          const expectSettled = (expectation: Expectation) => {
            for (const item of expectation.items) expect(table.state.readings.get(keyOf(item))).toEqual(item)
            for (const id of expectation.letterIds) expect(letters.letters.has(id)).toBe(true)
            const rejected = rejectedLetters()
            for (const item of expectation.rejected) expect(rejected.has(keyOf(item))).toBe(true)
          }

          for (let invocation = 0; ; invocation++) {
            const open = [0, 1].filter(
              (s) => (checkpoints[s] as number) < (shards[s] as ShardRecord[]).length,
            )
            if (open.length === 0) break
            expect(invocation, "the batch never got through").toBeLessThan(2_000)
            const s = open[random.int(open.length)] as number
            const from = checkpoints[s] as number
            const batch = (shards[s] as ShardRecord[]).slice(from, from + settings.batchSize)
            const before = summaries.length
            let response: Awaited<ReturnType<typeof handler>>
            try {
              response = await handler(eventOf(batch), context)
            } catch (error) {
              expect(error).toBeInstanceOf(KinesisBatchFailed) // Lambda retries the whole batch
              continue
            }
            // Accounting per invocation: every user record has exactly one fate.
            expect(summaries.length).toBe(before + 1)
            const summary = summaries.at(-1) as KinesisBatchSummary
            expect(summary.entries).toBe(summary.stored + summary.deadLettered + summary.retry)
            expect(response.batchItemFailures.length).toBe(summary.retry > 0 ? 1 : 0)
            const failed = response.batchItemFailures[0]?.itemIdentifier
            const at =
              failed === undefined
                ? batch.length
                : batch.findIndex((r) => r.record.kinesis.sequenceNumber === failed)
            expect(at).toBeGreaterThanOrEqual(0)
            checkpoints[s] = from + at
            for (let i = from; i < from + at; i++) expectSettled(expectations[s]?.[i] as Expectation)
            // Latest state never moves backwards.
            for (const [device, item] of table.state.latest) {
              const seen = latestSeen.get(device)
              if (seen !== undefined) expect(item.ts >= seen).toBe(true)
              latestSeen.set(device, item.ts)
            }
          }

          // Effectively once: the table holds exactly the distinct valid readings.
          const all = expectations.flat()
          const expected = new Map(all.flatMap((e) => e.items.map((item) => [keyOf(item), item] as const)))
          expect(new Map(table.state.readings)).toEqual(expected)
          // Every poison record dead-lettered (once: letters are kept by id), and nothing else.
          const poisonIds = new Set(all.flatMap((e) => e.letterIds))
          for (const [id, letter] of letters.letters) {
            if (!letter.reason.startsWith("the table rejects")) expect(poisonIds.has(id)).toBe(true)
          }
          for (const id of poisonIds) expect(letters.letters.has(id)).toBe(true)
          const rejected = rejectedLetters()
          for (const e of all) for (const item of e.rejected) expect(rejected.has(keyOf(item))).toBe(true)
          // Latest state: each device's newest stored reading.
          for (const device of DEVICES) {
            const newest = [...expected.values()]
              .filter((i) => i.deviceId === device)
              .map((i) => i.ts)
              .sort()
              .at(-1)
            expect(table.state.latest.get(device)?.ts).toBe(newest)
          }
        },
      ),
      40,
    )
  }, 600_000) // deep runs (SLUICE_PROPERTY_SCALE=100) take minutes
})
