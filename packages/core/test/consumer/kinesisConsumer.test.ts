/**
 * The plain Kinesis handler against a user-written Map table: response shapes, poison,
 * KPL, trailing separators, dedupe, ordered vs parallel, Fatal, and dead-letter failures.
 */
import type { KinesisStreamEvent as AwsKinesisStreamEvent, KinesisStreamHandler } from "aws-lambda"
import { Effect } from "effect"
import { describe, expect, it, vi } from "vitest"
import {
  aggregate,
  consoleDeadLetters,
  Fatal,
  type Item,
  KinesisBatchFailed,
  type KinesisBatchSummary,
  kinesisConsumer,
  Throttled,
} from "../../src/index.ts"
import {
  kinesisEvent,
  mapTable,
  reading,
  recordingDeadLetters,
  sequenceNumberOf,
  utf8,
} from "./kinesisFixtures.ts"

const fast = { baseDelayMs: 0, maxDelayMs: 0, maxAttempts: 2, maxElapsedMs: 1_000 }
const ts = (second: number) => reading("x", second).TIMESTAMP

describe("kinesisConsumer: response shapes", () => {
  it("answers an empty event with an empty failure list", async () => {
    const handler = kinesisConsumer({ table: mapTable(), deadLetters: recordingDeadLetters() })
    expect(await handler({ Records: [] })).toEqual({ batchItemFailures: [] })
  })

  it("stores every reading, moves latest state, and reports success as an empty list", async () => {
    const table = mapTable()
    const summaries: KinesisBatchSummary[] = []
    const handler = kinesisConsumer({
      table,
      deadLetters: recordingDeadLetters(),
      onBatch: (s) => summaries.push(s),
    })
    const event = kinesisEvent([
      { data: reading("dev-1", 1) },
      { data: reading("dev-2", 1), partitionKey: "dev-2" },
      { data: reading("dev-1", 2, { EXTRA: [1, 2] }) },
    ])
    expect(await handler(event)).toEqual({ batchItemFailures: [] })
    expect((await table.scan()).map((i) => [i.deviceId, i.ts])).toEqual([
      ["dev-1", ts(1)],
      ["dev-1", ts(2)],
      ["dev-2", ts(1)],
    ])
    expect(await table.getLatest("dev-1")).toEqual({
      ...reading("dev-1", 2, { EXTRA: [1, 2] }),
      deviceId: "dev-1",
      ts: ts(2),
    })
    expect(summaries).toEqual([
      { records: 3, entries: 3, stored: 3, deadLettered: 0, retry: 0, duplicates: 0, deadlineReached: false },
    ])
  })

  it("names the lowest failing record by its sequence number string", async () => {
    const table = mapTable((op) => (op === "batchWrite" ? new Throttled({ reason: "slow down" }) : undefined))
    const handler = kinesisConsumer({ table, deadLetters: recordingDeadLetters(), retry: fast })
    const event = kinesisEvent([
      { data: reading("dev-1", 1), sequence: 7 },
      { data: reading("dev-1", 2), sequence: 9 },
    ])
    const response = await handler(event)
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumberOf(7) }] })
    expect(typeof response.batchItemFailures[0]?.itemIdentifier).toBe("string")
  })

  it("is a valid aws-lambda KinesisStreamHandler and takes its event type", async () => {
    const handler: KinesisStreamHandler = kinesisConsumer({
      table: mapTable(),
      deadLetters: recordingDeadLetters(),
    })
    const event: AwsKinesisStreamEvent = JSON.parse(JSON.stringify(kinesisEvent([{ data: reading("d", 1) }])))
    const plain = kinesisConsumer({ table: mapTable(), deadLetters: recordingDeadLetters() })
    expect(await plain(event)).toEqual({ batchItemFailures: [] })
    expect(typeof handler).toBe("function")
  })
})

describe("kinesisConsumer: poison never blocks the shard", () => {
  it("dead-letters bad records with reason, field, payload and coordinates, and stores the rest", async () => {
    const table = mapTable()
    const dlq = recordingDeadLetters()
    const handler = kinesisConsumer({ table, deadLetters: dlq })
    const huge = JSON.stringify(reading("dev-1", 5, { PAD: "x".repeat(130 * 1024) }))
    const event = kinesisEvent([
      { data: "not json" },
      { data: reading("dev-1", 1, { TEMPERATURE: "hot" }) },
      { data: huge },
      { data: Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2, 1, 2, 3) },
      { data: reading("dev-1", 2) },
    ])
    expect(await handler(event)).toEqual({ batchItemFailures: [] })
    expect((await table.scan()).map((i) => i.ts)).toEqual([ts(2)])
    const letters = [...dlq.letters.values()]
    expect(letters.map((l) => [l.source?.sequenceNumber, l.field, l.reason.slice(0, 30)])).toEqual([
      [sequenceNumberOf(0), undefined, "payload is not JSON (Unexpecte"],
      [sequenceNumberOf(1), "TEMPERATURE", "expected a number, got the str"],
      [sequenceNumberOf(2), undefined, "payload is 133217 bytes, over "],
      [sequenceNumberOf(3), undefined, "KPL record is shorter than its"],
    ])
    expect(letters[0]).toMatchObject({
      id: `telemetry/shardId-000000000000/${sequenceNumberOf(0)}/0`,
      payload: Buffer.from("not json").toString("base64"),
      source: { stream: "telemetry", shardId: "shardId-000000000000", sequenceNumber: sequenceNumberOf(0) },
    })
  })

  it("reports a poison record as failed when it cannot be dead-lettered, never losing it", async () => {
    const dlq = recordingDeadLetters(() => new Error("queue unavailable"))
    const handler = kinesisConsumer({ table: mapTable(), deadLetters: dlq, retry: fast })
    const event = kinesisEvent([{ data: reading("dev-1", 1) }, { data: "{", sequence: 4 }])
    expect(await handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumberOf(4) }] })
    expect(dlq.puts).toBe(2)
  })

  it("dead-letters a reading the table rejects for good, with the table's reason", async () => {
    const table = mapTable()
    const limited = { ...table, limits: { maxCount: 25, maxBytes: 10_000, maxRecordBytes: 200 } }
    const dlq = recordingDeadLetters()
    const handler = kinesisConsumer({ table: limited, deadLetters: dlq })
    const event = kinesisEvent([
      { data: reading("dev-1", 1, { PAD: "y".repeat(300) }) },
      { data: reading("dev-1", 2) },
    ])
    expect(await handler(event)).toEqual({ batchItemFailures: [] })
    expect([...dlq.letters.values()].map((l) => l.reason)).toEqual([
      expect.stringMatching(/^the table rejects the write: table item record is \d+ bytes/),
    ])
    expect((await table.scanLatest()).map((i) => i.ts)).toEqual([ts(2)])
  })
})

describe("kinesisConsumer: the default dead letters", () => {
  it("writes one JSON line per dead letter to stderr, for CloudWatch Logs", async () => {
    const lines: string[] = []
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      lines.push(String(chunk))
      return true
    })
    try {
      const handler = kinesisConsumer({ table: mapTable() })
      expect(await handler(kinesisEvent([{ data: "oops", sequence: 3 }]))).toEqual({ batchItemFailures: [] })
    } finally {
      spy.mockRestore()
    }
    expect(lines).toHaveLength(1)
    expect(lines[0]?.endsWith("\n")).toBe(true)
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: "ERROR",
      type: "sluice.deadLetter",
      deadLetter: {
        id: `telemetry/shardId-000000000000/${sequenceNumberOf(3)}/0`,
        payload: Buffer.from("oops").toString("base64"),
        source: { sequenceNumber: sequenceNumberOf(3) },
      },
    })
  })

  it("remembers the latest letters it wrote, by id", async () => {
    const target = consoleDeadLetters({ write: () => {}, keep: 2 })
    const handler = kinesisConsumer({ table: mapTable(), deadLetters: target })
    await handler(kinesisEvent([{ data: "a" }, { data: "b" }, { data: "c" }]))
    await handler(kinesisEvent([{ data: "c", sequence: 2 }]))
    const kept = await Effect.runPromise(target.service.list())
    expect(kept.map((l) => l.source?.sequenceNumber)).toEqual([sequenceNumberOf(1), sequenceNumberOf(2)])
  })
})

describe("kinesisConsumer: payload forms", () => {
  it("tolerates a trailing separator", async () => {
    const table = mapTable()
    const handler = kinesisConsumer({ table, deadLetters: recordingDeadLetters() })
    const event = kinesisEvent([
      { data: `${JSON.stringify(reading("dev-1", 1))}\n` },
      { data: `${JSON.stringify(reading("dev-1", 2))}\r\n` },
    ])
    expect(await handler(event)).toEqual({ batchItemFailures: [] })
    expect(table.readings.size).toBe(2)
  })

  it("deaggregates KPL records and dead-letters a bad sub-record by its sub-sequence number", async () => {
    const table = mapTable()
    const dlq = recordingDeadLetters()
    const handler = kinesisConsumer({ table, deadLetters: dlq })
    const agg = aggregate([
      { partitionKey: "dev-1", data: utf8(JSON.stringify(reading("dev-1", 1))) },
      { partitionKey: "dev-1", data: utf8("oops") },
      { partitionKey: "dev-2", data: utf8(`${JSON.stringify(reading("dev-2", 1))}\n`) },
    ])
    expect(await handler(kinesisEvent([{ data: agg }, { data: reading("dev-1", 2) }]))).toEqual({
      batchItemFailures: [],
    })
    expect(table.readings.size).toBe(3)
    expect([...dlq.letters.values()]).toMatchObject([
      {
        id: `telemetry/shardId-000000000000/${sequenceNumberOf(0)}/1`,
        payload: Buffer.from("oops").toString("base64"),
        source: { sequenceNumber: sequenceNumberOf(0), subSequenceNumber: 1 },
      },
    ])
  })

  it("writes a reading repeated within the batch once", async () => {
    const writes: Item[] = []
    const table = mapTable((op, items) => {
      if (op === "batchWrite") writes.push(...items)
      return undefined
    })
    const summaries: KinesisBatchSummary[] = []
    const handler = kinesisConsumer({
      table,
      deadLetters: recordingDeadLetters(),
      onBatch: (s) => summaries.push(s),
    })
    const r = reading("dev-1", 1)
    expect(
      await handler(kinesisEvent([{ data: r }, { data: r }, { data: r, partitionKey: "other" }])),
    ).toEqual({
      batchItemFailures: [],
    })
    expect(writes).toHaveLength(1)
    expect(summaries[0]).toMatchObject({ entries: 3, stored: 3, duplicates: 2 })
  })
})

describe("kinesisConsumer: failures", () => {
  it("rejects on a Fatal table error so Lambda retries the whole batch", async () => {
    const table = mapTable(() => new Fatal({ reason: "table deleted" }))
    const handler = kinesisConsumer({ table, deadLetters: recordingDeadLetters() })
    await expect(handler(kinesisEvent([{ data: reading("d", 1) }]))).rejects.toThrow(KinesisBatchFailed)
    await expect(handler(kinesisEvent([{ data: reading("d", 1) }]))).rejects.toThrow(/table deleted/)
  })

  it("rejects on a Fatal dead-letter error", async () => {
    const dlq = recordingDeadLetters(() => new Fatal({ reason: "no such queue" }))
    const handler = kinesisConsumer({ table: mapTable(), deadLetters: dlq })
    await expect(handler(kinesisEvent([{ data: "nope" }]))).rejects.toThrow(/no such queue/)
  })

  it("refuses bad settings when the handler is built", () => {
    expect(() => kinesisConsumer({ table: mapTable(), concurrency: 0 })).toThrow(RangeError)
    expect(() => kinesisConsumer({ table: mapTable(), chunkSize: 1.5 })).toThrow(RangeError)
  })
})
