/**
 * The local event source mapping with TumblingWindowInSeconds, against the event and response
 * shapes of the Lambda developer guide ("Using tumbling windows"): each invocation carries
 * `window {start, end}`, the last returned `state`, `shardId`, `eventSourceARN` and the two
 * flags; batches stop at window boundaries; the final invocation has no records and the final
 * state; the checkpoint moves only when it succeeds; a reply without `state` fails; a state over
 * 1 MB ends the window early.
 */
import { memoryCheckpoints, memoryStream } from "@sluice/adapters-memory"
import { type EsmKinesisWindowEvent, kinesisConsumer, windowAggregates } from "@sluice/core"
import { waitFor } from "@sluice/testkit"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { startEventSourceMapping } from "../../src/eventSourceMapping/eventSourceMappingRunner.ts"
import { sqliteProjectionStore } from "../../src/projections/sqliteProjectionStore.ts"
import { sqliteTable } from "../../src/table/sqliteTable.ts"
import { fastRetries, loggingCheckpoints } from "./runnerFixtures.ts"

/** 2026-11-26T07:00:00Z, a multiple of 10 s. */
const W0 = Date.UTC(2026, 10, 26, 7, 0, 0)
const bytes = (text: string) => new TextEncoder().encode(text)
const dataOf = (event: EsmKinesisWindowEvent) =>
  event.Records.map((r) => Buffer.from(r.kinesis.data, "base64").toString("utf8"))

const setup = (reply: (event: EsmKinesisWindowEvent) => unknown) => {
  let clock = W0
  const stream = memoryStream({ name: "telemetry", shardCount: 1, now: () => clock })
  const checkpoints = loggingCheckpoints(memoryCheckpoints().service)
  const events: EsmKinesisWindowEvent[] = []
  const handler = async (event: unknown) => {
    const windowed = event as EsmKinesisWindowEvent
    events.push(structuredClone(windowed))
    return reply(windowed)
  }
  const start = () =>
    startEventSourceMapping({
      stream,
      checkpoints: checkpoints.service,
      handler,
      config: { tumblingWindowInSeconds: 10 },
      pollIntervalMs: 2,
      retryPolicy: fastRetries,
      now: () => clock,
    })
  const put = async (text: string, at: number) => {
    clock = at
    await stream.putRecords([{ partitionKey: "device-1", data: bytes(text) }])
  }
  return { stream, checkpoints, events, start, put, setClock: (t: number) => (clock = t), clock: () => clock }
}

/** A handler counting records in its state, as the guide's example does. */
const counting = (event: EsmKinesisWindowEvent) => ({
  state: { count: Number(event.state.count ?? 0) + event.Records.length },
  batchItemFailures: [],
})

describe("tumbling windows in the local event source mapping", () => {
  it("carries the documented window fields and state, stops batches at boundaries, and checkpoints at the final invocation", async () => {
    const world = setup(counting)
    await world.put("a", W0 + 1_000)
    await world.put("b", W0 + 2_000)
    await world.put("c", W0 + 3_000)
    await world.put("d", W0 + 12_000) // the next window
    const runner = await world.start()
    await waitFor(() => world.events.length >= 3, { what: "first window's invocations, final, next window" })
    const [first, final, next] = world.events as [
      EsmKinesisWindowEvent,
      EsmKinesisWindowEvent,
      EsmKinesisWindowEvent,
    ]
    expect(Object.keys(first).sort()).toEqual(
      [
        "Records",
        "eventSourceARN",
        "isFinalInvokeForWindow",
        "isWindowTerminatedEarly",
        "shardId",
        "state",
        "window",
      ].sort(),
    )
    expect(first).toMatchObject({
      window: { start: "2026-11-26T07:00:00Z", end: "2026-11-26T07:00:10Z" },
      state: {},
      shardId: "shardId-000000000000",
      eventSourceARN: "arn:aws:kinesis:us-east-1:000000000000:stream/telemetry",
      isFinalInvokeForWindow: false,
      isWindowTerminatedEarly: false,
    })
    expect(dataOf(first)).toEqual(["a", "b", "c"])
    expect(first.Records[0]?.eventSourceARN).toBe(first.eventSourceARN)
    expect(final).toMatchObject({
      Records: [],
      window: { start: "2026-11-26T07:00:00Z", end: "2026-11-26T07:00:10Z" },
      state: { count: 3 },
      isFinalInvokeForWindow: true,
      isWindowTerminatedEarly: false,
    })
    expect(next).toMatchObject({
      window: { start: "2026-11-26T07:00:10Z" },
      state: {},
      isFinalInvokeForWindow: false,
    })
    expect(dataOf(next)).toEqual(["d"])
    // Checkpointed after the first window's final invocation, not before; the second window is open.
    await waitFor(() => world.checkpoints.sets.get("shardId-000000000000")?.length === 1, {
      what: "a checkpoint",
    })
    expect(world.checkpoints.sets.get("shardId-000000000000")).toEqual(["3"])
    // The second window ends when the clock passes its end with nothing buffered.
    world.setClock(W0 + 20_500)
    await waitFor(() => world.events.length === 4, { what: "the second window's final invocation" })
    expect(world.events[3]).toMatchObject({ Records: [], state: { count: 1 }, isFinalInvokeForWindow: true })
    await waitFor(() => world.checkpoints.sets.get("shardId-000000000000")?.length === 2, {
      what: "a second checkpoint",
    })
    await runner.stop()
    expect(world.checkpoints.sets.get("shardId-000000000000")).toEqual(["3", "4"])
  })

  it("treats a reply without state as a failed invocation and retries the batch with the same state", async () => {
    let calls = 0
    const world = setup((event) => (++calls === 1 ? { batchItemFailures: [] } : counting(event)))
    await world.put("a", W0 + 1_000)
    const runner = await world.start()
    await waitFor(() => world.events.length >= 2, { what: "the retry" })
    expect(world.events[1]).toMatchObject({ state: {}, isFinalInvokeForWindow: false })
    expect(runner.status().totals.failedInvocations).toBe(1)
    await runner.stop()
  })

  it("keeps the state of a partial reply, retries from the failed record, and restarts a window from its first record", async () => {
    let calls = 0
    const world = setup((event) => {
      calls++
      if (calls === 1)
        return {
          state: { count: 1 },
          batchItemFailures: [{ itemIdentifier: event.Records[1]?.kinesis.sequenceNumber }],
        }
      return counting(event)
    })
    await world.put("a", W0 + 1_000)
    await world.put("b", W0 + 2_000)
    const runner = await world.start()
    await waitFor(() => world.events.length >= 2, { what: "the retry from b" })
    expect(dataOf(world.events[1] as EsmKinesisWindowEvent)).toEqual(["b"])
    expect(world.events[1]?.state).toEqual({ count: 1 })
    await runner.stop()
    // Stopped mid-window: nothing was checkpointed, so a restart replays the window with a fresh state.
    expect(world.checkpoints.sets.get("shardId-000000000000")).toBeUndefined()
    const before = world.events.length
    const again = await world.start()
    await waitFor(() => world.events.length > before, { what: "the window again" })
    expect(dataOf(world.events[before] as EsmKinesisWindowEvent)).toEqual(["a", "b"])
    expect(world.events[before]?.state).toEqual({})
    await again.stop()
  })

  it("ends a window early when the state passes 1 MB, then goes on with the same window and a fresh state", async () => {
    const big = "x".repeat(1024 * 1024 + 10)
    const world = setup((event) =>
      event.isFinalInvokeForWindow
        ? { state: {} }
        : { state: event.Records.length === 1 && dataOf(event)[0] === "a" ? { big } : {} },
    )
    await world.put("a", W0 + 1_000)
    const runner = await world.start()
    await waitFor(() => world.events.length >= 2, { what: "the early final invocation" })
    expect(world.events[1]).toMatchObject({
      Records: [],
      isFinalInvokeForWindow: true,
      isWindowTerminatedEarly: true,
    })
    await world.put("b", W0 + 2_000)
    await waitFor(() => world.events.length >= 3, { what: "the same window again" })
    expect(world.events[2]).toMatchObject({
      window: { start: "2026-11-26T07:00:00Z" },
      state: {},
      isFinalInvokeForWindow: false,
    })
    await runner.stop()
  })

  it("runs the real kinesisConsumer with projections on SQLite, committing views once per window", async () => {
    const table = sqliteTable({ path: ":memory:" })
    const store = sqliteProjectionStore({ path: ":memory:" })
    const consumer = kinesisConsumer({
      table,
      deadLetters: { put: async () => {}, list: async () => [] },
      projections: [windowAggregates({ name: "aggregates" })],
      projectionStore: store,
      newProjections: "start-here",
    })
    const world = setup(() => undefined)
    const runner = await startEventSourceMapping({
      stream: world.stream,
      checkpoints: world.checkpoints.service,
      handler: (event, context) => consumer(event, context),
      config: { tumblingWindowInSeconds: 10 },
      pollIntervalMs: 2,
      retryPolicy: fastRetries,
      now: () => world.clock(),
    })
    const reading = (second: number) =>
      JSON.stringify({
        DEVICE_NAME: "d-1",
        TIMESTAMP: new Date(W0 + second * 1000).toISOString().slice(0, 19),
        TEMPERATURE: second,
        HUMIDITY: 50,
      })
    const views = () => Effect.runPromise(store.service.views("aggregates"))
    for (const second of [1, 2, 3]) await world.put(reading(second), W0 + second * 1000)
    await waitFor(async () => (await table.scan()).length === 3, { what: "the readings stored" })
    expect(await views()).toEqual([])
    world.setClock(W0 + 10_500)
    await waitFor(async () => (await views()).length === 2, { what: "the window's views" })
    expect((await views()).find((v) => v.key.includes("/minute/"))?.value).toMatchObject({
      count: 3,
      fields: { TEMPERATURE: { min: 1, max: 3, mean: 2 } },
    })
    await runner.stop()
    table.close()
    store.close()
  })

  it("refuses a window over 900 seconds, as AWS does", async () => {
    const world = setup(counting)
    await expect(
      startEventSourceMapping({
        stream: world.stream,
        checkpoints: world.checkpoints.service,
        handler: () => undefined,
        config: { tumblingWindowInSeconds: 901 },
      }),
    ).rejects.toThrow(/TumblingWindowInSeconds must be an integer from 0 to 900/)
  })
})
