/**
 * Ordered vs parallel mode, and the Lambda deadline: what is written, what moves the
 * latest-state record, and which sequence number Lambda is told to retry from.
 */
import { describe, expect, it } from "vitest"
import { type Item, type KinesisBatchSummary, kinesisConsumer, type PlainTable } from "../../src/index.ts"
import {
  fakeContext,
  kinesisEvent,
  mapTable,
  reading,
  recordingDeadLetters,
  sequenceNumberOf,
} from "./kinesisFixtures.ts"

const fast = { baseDelayMs: 0, maxDelayMs: 0, maxAttempts: 2, maxElapsedMs: 1_000 }
const ts = (second: number) => reading("x", second).TIMESTAMP

/** A table that never processes one reading (DynamoDB's UnprocessedItems, forever). */
const refusing = (refused: (item: Item) => boolean) => {
  const table = mapTable()
  const batchWrite: PlainTable["batchWrite"] = async (items) => {
    await table.batchWrite(items.filter((i) => !refused(i)))
    return { unprocessed: items.filter(refused) }
  }
  return { ...table, batchWrite }
}

// Key A: a1 a2 a3, key B: b1 b2 interleaved; a2 cannot be written.
const event = kinesisEvent([
  { data: reading("dev-a", 1), partitionKey: "dev-a" },
  { data: reading("dev-b", 1), partitionKey: "dev-b" },
  { data: reading("dev-a", 2), partitionKey: "dev-a" },
  { data: reading("dev-b", 2), partitionKey: "dev-b" },
  { data: reading("dev-a", 3), partitionKey: "dev-a" },
])
const a2 = (item: Item) => item.deviceId === "dev-a" && item.ts === ts(2)

describe("kinesisConsumer: ordered vs parallel", () => {
  it("ordered: stops a key at its first failure; its latest state stays before it; other keys go on", async () => {
    const table = refusing(a2)
    const summaries: KinesisBatchSummary[] = []
    const handler = kinesisConsumer({ table, retry: fast, onBatch: (s) => summaries.push(s) })
    expect(await handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumberOf(2) }] })
    expect((await table.getLatest("dev-a"))?.ts).toBe(ts(1))
    expect((await table.getLatest("dev-b"))?.ts).toBe(ts(2))
    // a3 is retried behind a2 (rewritten after it next time), even if its write landed now.
    expect(summaries[0]).toMatchObject({ stored: 3, retry: 2 })
  })

  it("ordered: a key stopped in one chunk is not written in later chunks", async () => {
    const table = refusing(a2)
    const handler = kinesisConsumer({ table, retry: fast, chunkSize: 3 })
    expect(await handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumberOf(2) }] })
    expect(table.readings.has(`dev-a\u0000${ts(3)}`)).toBe(false)
    expect(table.readings.has(`dev-b\u0000${ts(2)}`)).toBe(true)
  })

  it("parallel: attempts everything; latest state may pass the failed record (never backwards)", async () => {
    const table = refusing(a2)
    const handler = kinesisConsumer({ table, retry: fast, mode: "parallel", chunkSize: 3 })
    expect(await handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumberOf(2) }] })
    expect(table.readings.has(`dev-a\u0000${ts(3)}`)).toBe(true)
    expect((await table.getLatest("dev-a"))?.ts).toBe(ts(3))
  })

  it("both modes converge once the failure clears (Lambda retries from the checkpoint)", async () => {
    for (const mode of ["ordered", "parallel"] as const) {
      let refuse = true
      const table = refusing((item) => refuse && a2(item))
      const handler = kinesisConsumer({ table, retry: fast, mode })
      const first = await handler(event)
      refuse = false
      const from = event.Records.findIndex(
        (r) => r.kinesis.sequenceNumber === first.batchItemFailures[0]?.itemIdentifier,
      )
      expect(await handler({ Records: event.Records.slice(from) })).toEqual({ batchItemFailures: [] })
      expect(table.readings.size).toBe(5)
      expect((await table.getLatest("dev-a"))?.ts).toBe(ts(3))
    }
  })
})

describe("kinesisConsumer: the Lambda deadline", () => {
  it("takes no work when the margin is already used up, and reports the whole batch", async () => {
    const table = mapTable()
    const handler = kinesisConsumer({ table, deadLetters: recordingDeadLetters(), deadlineMarginMs: 500 })
    const response = await handler(
      event,
      fakeContext(() => 400),
    )
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumberOf(0) }] })
    expect(table.readings.size).toBe(0)
  })

  it("stops between chunks when time runs short, reporting the first record not done", async () => {
    const table = mapTable()
    const summaries: KinesisBatchSummary[] = []
    const handler = kinesisConsumer({ table, chunkSize: 2, onBatch: (s) => summaries.push(s) })
    let calls = 0
    const response = await handler(
      event,
      fakeContext(() => (calls++ === 0 ? 60_000 : 900)),
    )
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumberOf(2) }] })
    expect(table.readings.size).toBe(2)
    expect(summaries[0]).toMatchObject({ entries: 5, stored: 2, retry: 3, deadlineReached: true })
  })

  it("interrupts a write that would outlive the deadline and reports its chunk", async () => {
    const table = mapTable()
    const hanging = { ...table, batchWrite: () => new Promise<never>(() => {}) }
    const handler = kinesisConsumer({ table: hanging, deadLetters: recordingDeadLetters() })
    const response = await handler(
      event,
      fakeContext(() => 1_050),
    )
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumberOf(0) }] })
  })
})
