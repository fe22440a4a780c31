/**
 * `kinesisConsumer` under Lambda's tumbling windows, invoked with the documented event shape
 * (Lambda developer guide, "Using tumbling windows": `window`, `state`, `shardId`,
 * `eventSourceARN`, `isFinalInvokeForWindow`, `isWindowTerminatedEarly`) and answering with the
 * documented response (`state`, `batchItemFailures`): the fold travels in `state`, nothing is
 * committed before the final invocation, which commits it and returns `{}`.
 */
import {
  type KinesisStreamEvent,
  kinesisConsumer,
  kinesisEventOf,
  localEventSource,
  type StreamRecord,
  windowAggregates,
} from "@sluice/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { memoryDeadLetters, memoryProjectionStore, memoryTable } from "../../src/index.ts"
import { payloadOf, T0 } from "./projectionWorld.ts"

const ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/telemetry"
let sequence = 100
const records = (seconds: ReadonlyArray<number>): StreamRecord[] =>
  seconds.map((second) => ({
    shardId: "shardId-000000000000",
    sequenceNumber: String(sequence++),
    partitionKey: "d-1",
    data: payloadOf({ device: "d-1", second, temperature: 20 + (second % 4), humidity: 50 }),
    approximateArrivalTimestamp: T0 + second * 1000,
  }))

const windowEvent = (
  batch: ReadonlyArray<StreamRecord>,
  state: Record<string, unknown>,
  final = false,
): KinesisStreamEvent => ({
  ...kinesisEventOf(batch, localEventSource("telemetry")),
  window: { start: "2026-11-26T07:00:00Z", end: "2026-11-26T07:02:00Z" },
  state,
  shardId: "shardId-000000000000",
  eventSourceARN: ARN,
  isFinalInvokeForWindow: final,
  isWindowTerminatedEarly: false,
})

describe("the consumer under tumbling windows", () => {
  it("carries the fold in state and commits it at the final invocation", async () => {
    const store = memoryProjectionStore()
    const table = memoryTable()
    const handler = kinesisConsumer({
      table,
      deadLetters: memoryDeadLetters(),
      projections: [windowAggregates({ name: "aggregates" })],
      projectionStore: store,
      newProjections: "start-here",
    })
    const first = await handler(windowEvent(records([1, 2, 3]), {}))
    expect(Object.keys(first).sort()).toEqual(["batchItemFailures", "state"])
    expect(first.batchItemFailures).toEqual([])
    expect(Object.keys(first.state ?? {})).toEqual(["sluice:aggregates"])
    expect(typeof first.state?.["sluice:aggregates"]).toBe("string")
    expect(await Effect.runPromise(store.service.views("aggregates"))).toEqual([])
    // Readings are stored at once; only the projection waits for the window.
    expect((await table.scan()).length).toBe(3)

    const batch = records([61, 62])
    const second = await handler(windowEvent(batch, { ...first.state, theirs: 7 }))
    expect(second.state?.theirs).toBe(7)
    expect(await Effect.runPromise(store.service.views("aggregates"))).toEqual([])

    // The same records again (a reply lost, say), with the newest state: nothing counts twice.
    const again = await handler(windowEvent(batch, second.state ?? {}))
    expect(again.batchItemFailures).toEqual([])

    const final = await handler(windowEvent([], again.state ?? {}, true))
    expect(final).toEqual({ batchItemFailures: [], state: { theirs: 7 } })
    const views = await Effect.runPromise(store.service.views("aggregates"))
    expect(views.map((v) => [v.key, v.value.count])).toEqual([
      ["d-1/hour/2026-11-26T07:00:00.000Z", 5],
      ["d-1/minute/2026-11-26T07:00:00.000Z", 3],
      ["d-1/minute/2026-11-26T07:01:00.000Z", 2],
    ])
    const [progress] = await Effect.runPromise(store.service.progress("aggregates"))
    expect(progress).toMatchObject({
      source: "stream:telemetry/shardId-000000000000",
      status: "live",
      applied: 5,
    })
  })

  it("answers a windowed invocation with a state even without projections", async () => {
    const handler = kinesisConsumer({ table: memoryTable(), deadLetters: memoryDeadLetters() })
    expect(await handler(windowEvent(records([1]), {}))).toEqual({ batchItemFailures: [], state: {} })
    expect(await handler(windowEvent([], { kept: "yes" }, true))).toEqual({
      batchItemFailures: [],
      state: { kept: "yes" },
    })
  })

  it("refuses projections without a store, and unreadable carried state", async () => {
    expect(() => kinesisConsumer({ table: memoryTable(), projections: [windowAggregates()] })).toThrow(
      /need a projectionStore/,
    )
    const handler = kinesisConsumer({
      table: memoryTable(),
      deadLetters: memoryDeadLetters(),
      projections: [windowAggregates()],
      projectionStore: memoryProjectionStore(),
    })
    await expect(handler(windowEvent(records([1]), { "sluice:aggregates": "{not json" }))).rejects.toThrow(
      /window state of projection aggregates is unreadable/,
    )
  })
})
