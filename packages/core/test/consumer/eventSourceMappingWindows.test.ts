import {
  afterFinal,
  afterInvocation,
  holdCheckpoint,
  initialWindowState,
  mappingConfigOf,
  type StreamRecord,
  windowBatchable,
  windowDue,
  windowFieldsOf,
  windowOfArrival,
  windowTime,
  windowVerdict,
} from "@sluice/core"
import { describe, expect, it } from "vitest"

const W0 = Date.UTC(2020, 11, 9, 7, 4, 0)
const record = (sequenceNumber: string, arrival: number): StreamRecord => ({
  shardId: "shardId-000000000006",
  sequenceNumber,
  partitionKey: "1",
  data: new Uint8Array(),
  approximateArrivalTimestamp: arrival,
})
const identity = {
  shardId: "shardId-000000000006",
  streamArn: "arn:aws:kinesis:us-east-1:123456789012:stream/lambda-stream",
}

describe("tumbling window decisions", () => {
  it("aligns windows to the epoch by arrival time and writes them as Lambda does", () => {
    expect(windowOfArrival(W0 + 61_500, 120)).toEqual({ startMs: W0, endMs: W0 + 120_000 })
    expect(windowTime(W0)).toBe("2020-12-09T07:04:00Z")
    const fields = windowFieldsOf(initialWindowState, windowOfArrival(W0, 120), identity, false)
    // The sample KinesisTimeWindowEvent of the developer guide, minus its records.
    expect(fields).toEqual({
      window: { start: "2020-12-09T07:04:00Z", end: "2020-12-09T07:06:00Z" },
      state: {},
      shardId: "shardId-000000000006",
      eventSourceARN: "arn:aws:kinesis:us-east-1:123456789012:stream/lambda-stream",
      isFinalInvokeForWindow: false,
      isWindowTerminatedEarly: false,
    })
  })

  it("never batches across a boundary, and is due when a later record waits or the end has passed", () => {
    const buffered = [record("1", W0 + 1), record("2", W0 + 119_999), record("3", W0 + 120_000)]
    expect(windowBatchable(initialWindowState, buffered, 120)).toBe(2)
    const open = afterInvocation(
      initialWindowState,
      windowOfArrival(W0, 120),
      { _tag: "Succeeded" },
      { _tag: "Returned", response: { state: { n: 2 } } },
      "2",
    )
    expect(open).toEqual({
      window: { startMs: W0, endMs: W0 + 120_000 },
      state: { n: 2 },
      heldCheckpoint: "2",
      terminatedEarly: false,
    })
    expect(windowDue(open, buffered.slice(2), W0)).toBe(true)
    expect(windowDue(open, [], W0 + 119_000)).toBe(false)
    expect(windowDue(open, [], W0 + 120_000)).toBe(true)
    expect(windowDue(initialWindowState, buffered, W0 + 1e9)).toBe(false)
    expect(afterFinal(open)).toEqual(initialWindowState)
    expect(holdCheckpoint(open, "7")?.heldCheckpoint).toBe("7")
    expect(holdCheckpoint(initialWindowState, "7")).toBeUndefined()
  })

  it("fails a reply without a state object, and keeps the old state after a failure", () => {
    const returned = (response: unknown) => ({ _tag: "Returned" as const, response })
    expect(windowVerdict({ _tag: "Succeeded" }, returned({ batchItemFailures: [] }))).toMatchObject({
      _tag: "Failed",
      reason: expect.stringMatching(/no state object/),
    })
    expect(windowVerdict({ _tag: "Succeeded" }, returned({ state: [] }))._tag).toBe("Failed")
    expect(windowVerdict({ _tag: "Succeeded" }, returned({ state: {} }))._tag).toBe("Succeeded")
    const failed = afterInvocation(
      { state: { n: 1 }, terminatedEarly: false },
      windowOfArrival(W0, 60),
      { _tag: "Failed", reason: "boom" },
      { _tag: "Threw", error: new Error("boom") },
      undefined,
    )
    expect(failed.state).toEqual({ n: 1 })
  })

  it("ends a window early past 1 MB of state, then goes on with the same window", () => {
    const window = windowOfArrival(W0, 60)
    const big = afterInvocation(
      initialWindowState,
      window,
      { _tag: "Succeeded" },
      { _tag: "Returned", response: { state: { big: "x".repeat(1024 * 1024) } } },
      "9",
    )
    expect(big.terminatedEarly).toBe(true)
    expect(windowDue(big, [], W0)).toBe(true)
    expect(windowFieldsOf(big, window, identity, true)).toMatchObject({
      isFinalInvokeForWindow: true,
      isWindowTerminatedEarly: true,
    })
    expect(afterFinal(big)).toEqual({ window, state: {}, terminatedEarly: false })
  })

  it("accepts TumblingWindowInSeconds from 0 to 900", () => {
    expect(mappingConfigOf({ tumblingWindowInSeconds: 900 }).tumblingWindowInSeconds).toBe(900)
    expect(mappingConfigOf().tumblingWindowInSeconds).toBe(0)
    expect(() => mappingConfigOf({ tumblingWindowInSeconds: -1 })).toThrow(/TumblingWindowInSeconds/)
    expect(() => mappingConfigOf({ tumblingWindowInSeconds: 1.5 })).toThrow(/TumblingWindowInSeconds/)
  })
})
