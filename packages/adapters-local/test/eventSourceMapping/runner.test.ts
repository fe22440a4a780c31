/**
 * The local event source mapping end to end: a handler failing at random (seeded) against the
 * file log still sees every record at least once, in order per shard, one batch at a time, and
 * the checkpoints only move forward; a restart continues after them; stop drains the invocation
 * in flight; old and exhausted records reach the on-failure destination; and the real
 * `kinesisConsumer` runs on it against SQLite.
 */
import { join } from "node:path"
import { memoryCheckpoints, memoryStream, seededRandom } from "@sluice/adapters-memory"
import { type EsmKinesisEvent, kinesisConsumer, type OnFailureRecord } from "@sluice/core"
import { checkAsyncProperty, waitFor } from "@sluice/testkit"
import { Effect } from "effect"
import fc from "fast-check"
import { afterEach, describe, expect, it } from "vitest"
import * as EventSourceMapping from "../../src/eventSourceMapping/eventSourceMappingRunner.ts"
import { startEventSourceMapping } from "../../src/eventSourceMapping/eventSourceMappingRunner.ts"
import { openLocalCheckpoints } from "../../src/stream/localCheckpoints.ts"
import { openLocalStream } from "../../src/stream/localStream.ts"
import { sqliteDeadLetters } from "../../src/table/sqliteDeadLetters.ts"
import { sqliteTable } from "../../src/table/sqliteTable.ts"
import { removeDir, tempDir } from "../stream/tempDirs.ts"
import { fastRetries, loggingCheckpoints, recordsOfEvent, type SeenRecord, seq } from "./runnerFixtures.ts"

const bytes = (text: string) => new TextEncoder().encode(text)
const dirs: string[] = []
const newDir = () => {
  const dir = tempDir("sluice-esm-")
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir)
})

describe("event source mapping runner", () => {
  it(
    "delivers every record at least once, in order per shard, with forward-only checkpoints, under random failures (property)",
    () =>
      checkAsyncProperty(
        fc.asyncProperty(
          fc.integer(),
          fc.integer({ min: 1, max: 80 }),
          fc.integer({ min: 1, max: 20 }),
          fc.boolean(),
          async (seed, count, batchSize, bisect) => {
            const dir = newDir()
            const stream = await openLocalStream({
              dir: join(dir, "stream"),
              shardCount: 3,
              segmentBytes: 2048,
            })
            const checkpoints = loggingCheckpoints(
              openLocalCheckpoints({ dir: join(dir, "checkpoints") }).service,
            )
            const random = seededRandom(seed)
            const firstSeen = new Map<string, SeenRecord[]>()
            const seen = new Set<string>()
            const inFlight = new Map<string, number>()
            let overlaps = 0
            const handler = async (event: EsmKinesisEvent) => {
              const records = recordsOfEvent(event)
              const shardId = records[0]!.shardId
              if ((inFlight.get(shardId) ?? 0) !== 0) overlaps++ // asserted below: a throw here would just be retried
              inFlight.set(shardId, 1)
              await new Promise((resolve) => setImmediate(resolve))
              inFlight.set(shardId, 0)
              const roll = random.next()
              const upTo = random.int(records.length + 1)
              const processed = roll < 0.5 ? records : records.slice(0, upTo)
              for (const record of processed) {
                const key = `${record.shardId}/${record.sequenceNumber}`
                if (seen.has(key)) continue
                seen.add(key)
                firstSeen.set(record.shardId, [...(firstSeen.get(record.shardId) ?? []), record])
              }
              if (roll < 0.5 || upTo === records.length) return { batchItemFailures: [] }
              if (roll < 0.75)
                return { batchItemFailures: [{ itemIdentifier: records[upTo]!.sequenceNumber }] }
              throw new Error("transient failure")
            }
            const sent = Array.from({ length: count }, (_, i) => ({
              partitionKey: `device-${i % 7}`,
              data: bytes(`r${i}`),
            }))
            for (let i = 0; i < sent.length; i += 50) await stream.putRecords(sent.slice(i, i + 50))
            const runner = await startEventSourceMapping({
              stream,
              checkpoints: checkpoints.service,
              handler,
              config: { batchSize, bisectBatchOnFunctionError: bisect },
              pollIntervalMs: 5,
              retryPolicy: fastRetries,
              random: seededRandom(seed + 1).next,
            })
            try {
              await waitFor(() => seen.size === count, {
                timeoutMs: 20_000,
                what: `all ${count} records processed`,
              })
              await waitFor(
                () => runner.status().shards.every((s) => s.buffered === 0 && s.state === "polling"),
                {
                  what: "all shards idle",
                },
              )
            } finally {
              await runner.stop()
            }
            expect(overlaps).toBe(0)
            for (const [shardId, records] of firstSeen) {
              const order = records.map((r) => seq(r.sequenceNumber))
              expect(order).toEqual([...order].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
              const stored = checkpoints.sets.get(shardId) ?? []
              const positions = stored.map(seq)
              expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
              expect(stored[stored.length - 1]).toBe(records[records.length - 1]?.sequenceNumber)
            }
            const byKey = new Map<string, string[]>()
            for (const records of firstSeen.values())
              for (const r of records)
                byKey.set(r.partitionKey, [...(byKey.get(r.partitionKey) ?? []), r.data])
            for (const [key, data] of byKey)
              expect(data).toEqual(
                sent.filter((e) => e.partitionKey === key).map((e) => new TextDecoder().decode(e.data)),
              )
            await stream.close()
          },
        ),
        10,
      ),
    60_000,
  )

  it("continues after its checkpoints when restarted, and picks up new records", async () => {
    const dir = newDir()
    const stream = await openLocalStream({ dir: join(dir, "stream"), shardCount: 2 })
    const checkpoints = openLocalCheckpoints({ dir: join(dir, "checkpoints") })
    const seen: string[] = []
    const handler = (event: EsmKinesisEvent) => {
      seen.push(...recordsOfEvent(event).map((r) => r.data))
      return { batchItemFailures: [] }
    }
    await stream.putRecords(
      Array.from({ length: 10 }, (_, i) => ({ partitionKey: `k${i}`, data: bytes(`a${i}`) })),
    )
    const first = await startEventSourceMapping({ stream, checkpoints, handler, pollIntervalMs: 5 })
    await waitFor(() => seen.length === 10, { what: "the first ten" })
    await first.stop()
    const second = await startEventSourceMapping({ stream, checkpoints, handler, pollIntervalMs: 5 })
    await stream.putRecords([{ partitionKey: "k", data: bytes("b") }])
    await waitFor(() => seen.length === 11, { what: "the new record" })
    await second.stop()
    expect(seen.slice(10)).toEqual(["b"])
    await stream.close()
  })

  it("drains the invocation in flight on stop, and stores its checkpoint", async () => {
    const stream = memoryStream({ shardCount: 1 })
    const checkpoints = memoryCheckpoints()
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let invoked = 0
    const runner = await startEventSourceMapping({
      stream,
      checkpoints,
      functionName: "f",
      pollIntervalMs: 5,
      handler: async () => {
        invoked++
        await gate
        return { batchItemFailures: [] }
      },
    })
    const [put] = await stream.putRecords([{ partitionKey: "k", data: bytes("x") }])
    await waitFor(() => invoked === 1, { what: "the invocation to start" })
    let stopped = false
    const stopping = runner.stop().then(() => {
      stopped = true
    })
    for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setImmediate(resolve))
    expect(stopped).toBe(false)
    release()
    await stopping
    expect(put?._tag === "Put" && (await checkpoints.get("f:memory-stream", put.shardId))).toBe(
      put?._tag === "Put" ? put.sequenceNumber : "",
    )
    expect(runner.status().shards[0]?.state).toBe("stopped")
  })

  it("sends records past MaximumRecordAge to the dead letters with their reason, without invoking them", async () => {
    let now = 1_000_000
    const stream = memoryStream({ shardCount: 1, now: () => now })
    const deadLetters = sqliteDeadLetters({ path: join(newDir(), "deadletters.sqlite") })
    let invocations = 0
    const runner = await startEventSourceMapping({
      stream,
      checkpoints: memoryCheckpoints(),
      handler: () => {
        invocations++
        throw new Error("down")
      },
      config: { maximumRecordAgeInSeconds: 60 },
      pollIntervalMs: 5,
      retryPolicy: fastRetries,
      now: () => now,
      onFailure: { deadLetters },
    })
    await stream.putRecords([{ partitionKey: "k", data: bytes("old") }])
    await waitFor(() => invocations > 2, { what: "retries" })
    now += 61_000
    await waitFor(async () => (await deadLetters.list()).length === 1, { what: "the dead letter" })
    const [letter] = await deadLetters.list()
    expect(letter?.reason).toMatch(
      /^RecordAgeExceeded after \d+ invocations: older than MaximumRecordAgeInSeconds/,
    )
    expect(Buffer.from(letter?.payload ?? "", "base64").toString()).toBe("old")
    expect(runner.status().totals.recordsExpired).toBe(1)
    await runner.stop()
    deadLetters.close()
  })

  it("sends AWS's on-failure record after MaximumRetryAttempts, and times out a hung handler", async () => {
    const stream = memoryStream({ shardCount: 1 })
    const failures: OnFailureRecord[] = []
    let remaining: number[] = []
    const runner = await startEventSourceMapping({
      stream,
      checkpoints: memoryCheckpoints(),
      functionName: "hangs",
      handler: (_event, context) => {
        remaining.push(context.getRemainingTimeInMillis())
        return new Promise(() => {})
      },
      config: { maximumRetryAttempts: 1 },
      timeoutMs: 40,
      pollIntervalMs: 5,
      retryPolicy: fastRetries,
      onFailure: (failure) => {
        failures.push(failure)
      },
    })
    await stream.putRecords([
      { partitionKey: "k", data: bytes("1") },
      { partitionKey: "k", data: bytes("2") },
    ])
    await waitFor(() => failures.length === 1, { what: "the on-failure record" })
    await runner.stop()
    expect(failures[0]).toMatchObject({
      requestContext: {
        condition: "RetryAttemptsExhausted",
        approximateInvokeCount: 2,
        functionArn: expect.stringContaining(":function:hangs"),
      },
      responseContext: { functionError: "Unhandled" },
      KinesisBatchInfo: {
        batchSize: 2,
        shardId: "shardId-000000000000",
        startSequenceNumber: "1",
        endSequenceNumber: "2",
      },
    })
    expect(remaining.every((ms) => ms > 0 && ms <= 40)).toBe(true)
    remaining = []
  })

  it("waits for the batching window before invoking a partial batch", async () => {
    let now = 0
    const stream = memoryStream({ shardCount: 1 })
    const batches: number[] = []
    const runner = await startEventSourceMapping({
      stream,
      checkpoints: memoryCheckpoints(),
      handler: (event) => {
        batches.push(event.Records.length)
      },
      config: { batchSize: 10, maximumBatchingWindowInSeconds: 5 },
      pollIntervalMs: 2,
      now: () => now,
    })
    await stream.putRecords(Array.from({ length: 3 }, (_, i) => ({ partitionKey: "k", data: bytes(`${i}`) })))
    await waitFor(() => runner.status().shards[0]?.buffered === 3 && runner.status().shards[0]!.reads > 3, {
      what: "the records read and a few more polls",
    })
    expect(batches).toEqual([])
    now += 5_000
    await waitFor(() => batches.length === 1, { what: "the window to end" })
    expect(batches).toEqual([3])
    await runner.stop()
  })

  it("retries throttled reads", async () => {
    const stream = memoryStream({ shardCount: 2, seed: 5, faults: { readThrottle: 0.5 } })
    let seen = 0
    const runner = await startEventSourceMapping({
      stream,
      checkpoints: memoryCheckpoints(),
      handler: (event) => {
        seen += event.Records.length
      },
      pollIntervalMs: 2,
      retryPolicy: fastRetries,
    })
    await stream.putRecords(
      Array.from({ length: 30 }, (_, i) => ({ partitionKey: `k${i}`, data: bytes(`${i}`) })),
    )
    await waitFor(() => seen === 30, { what: "every record" })
    expect(runner.status().shards.some((s) => s.readErrors > 0)).toBe(true)
    await runner.stop()
  })

  it("runs the real kinesisConsumer against SQLite: readings stored, poison dead-lettered", async () => {
    const dir = newDir()
    const stream = await openLocalStream({ dir: join(dir, "stream"), shardCount: 2 })
    const table = sqliteTable({ path: join(dir, "table.sqlite") })
    const deadLetters = sqliteDeadLetters({ path: join(dir, "deadletters.sqlite") })
    const runner = await startEventSourceMapping({
      stream,
      checkpoints: openLocalCheckpoints({ dir: join(dir, "checkpoints") }),
      handler: kinesisConsumer({ table, deadLetters }),
      pollIntervalMs: 5,
    })
    const reading = (device: string, second: number) =>
      JSON.stringify({
        DEVICE_NAME: device,
        TIMESTAMP: `2026-11-26T07:12:${String(second).padStart(2, "0")}`,
        TEMPERATURE: 20 + second,
        HUMIDITY: 50,
      })
    await stream.putRecords([
      { partitionKey: "device-1", data: bytes(reading("device-1", 1)) },
      { partitionKey: "device-2", data: bytes(reading("device-2", 1)) },
      { partitionKey: "device-1", data: bytes("not json") },
      { partitionKey: "device-1", data: bytes(reading("device-1", 2)) },
    ])
    await waitFor(async () => (await table.scan()).length === 3 && (await deadLetters.list()).length === 1, {
      what: "three readings and one dead letter",
    })
    await runner.stop()
    expect((await table.getLatest("device-1"))?.TEMPERATURE).toBe(22)
    expect((await deadLetters.list())[0]?.source).toMatchObject({
      stream: "stream",
      shardId: expect.stringMatching(/^shardId-/),
    })
    table.close()
    deadLetters.close()
    await stream.close()
  })
})

describe("event source mapping as an Effect", () => {
  it("runs for the scope's lifetime and stops (drained) when it closes", async () => {
    const stream = memoryStream({ shardCount: 1 })
    const seen: string[] = []
    await stream.putRecords([{ partitionKey: "k", data: bytes("x") }])
    const status = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const runner = yield* EventSourceMapping.make({
            stream,
            checkpoints: memoryCheckpoints(),
            handler: (event) => {
              seen.push(...recordsOfEvent(event).map((r) => r.data))
            },
            pollIntervalMs: 5,
          })
          yield* Effect.promise(() => waitFor(() => seen.length === 1, { what: "the record" }))
          return runner
        }),
      ),
    )
    expect(status.status().shards.every((s) => s.state === "stopped")).toBe(true)
  })
})
