import { DeliveryStream, ObjectStore } from "@sluice/core"
import { Effect, Exit, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { DeliveredLines, suite } from "../src/contract/index.ts"
import { MemoryObjectStore, memoryDeliveryStream, memoryObjectStore } from "../src/index.ts"

const deliveryStreamWithLines = () => {
  const { service, state } = memoryDeliveryStream()
  return Layer.mergeAll(
    Layer.succeed(DeliveryStream, service),
    Layer.succeed(DeliveredLines, {
      lines: () =>
        Effect.sync(() => state.delivered.flatMap((record) => new TextDecoder().decode(record).split("\n"))),
    }),
  )
}

suite("memory", { objectStore: () => MemoryObjectStore.layer(), deliveryStream: deliveryStreamWithLines })

const record = (i: number) => new TextEncoder().encode(`record ${i}\n`)

describe("memory ObjectStore faults", () => {
  it("never leaves part of an object: a crash or failure before the write leaves the old object whole", async () => {
    const { service, state } = memoryObjectStore({ seed: 3, faults: { crash: 0.3, error: 0.3 } })
    for (let i = 0; !state.objects.has("k"); i++) {
      expect(i).toBeLessThan(50)
      await Effect.runPromiseExit(service.put("k", new TextEncoder().encode("old")))
    }
    for (let i = 0; i < 30; i++) {
      const exit = await Effect.runPromiseExit(service.put("k", new TextEncoder().encode(`new ${i}`)))
      const stored = new TextDecoder().decode(state.objects.get("k"))
      expect(
        Exit.isSuccess(exit) ? stored === `new ${i}` : stored === "old" || stored.startsWith("new"),
      ).toBe(true)
    }
    expect(state.injector.counts.crash).toBeGreaterThan(0)
  })
})

describe("memory DeliveryStream faults", () => {
  it("retries only failed records and reports each record's final outcome, in order", async () => {
    const { service, state } = memoryDeliveryStream({
      seed: 11,
      faults: { partial: 0.5, throttle: 0.1 },
      maxAttempts: 6,
    })
    const records = Array.from({ length: 1200 }, (_, i) => record(i))
    const results = await Effect.runPromise(service.putRecordBatch(records))
    expect(results).toHaveLength(records.length)
    const accepted = results.filter((r) => r._tag === "Accepted").length
    expect(accepted).toBeGreaterThan(1100)
    for (const result of results)
      if (result._tag === "Failed") expect(["Throttled", "Retryable"]).toContain(result.error._tag)
    await Effect.runPromise(service.flush())
    const delivered = new Set(state.delivered.map((r) => new TextDecoder().decode(r)))
    results.forEach((result, i) => {
      if (result._tag === "Accepted") expect(delivered.has(`record ${i}\n`)).toBe(true)
    })
    // Every call stayed within the limits, and retries re-sent only what failed.
    expect(state.calls).toBeGreaterThanOrEqual(3)
    expect(state.accepted).toBe(accepted)
  })

  it("may deliver a record twice after a timeout that hid its success, never zero times once accepted", async () => {
    const { service, state } = memoryDeliveryStream({ seed: 5, faults: { timeoutAfterWrite: 0.5 } })
    const results = await Effect.runPromise(
      service.putRecordBatch(Array.from({ length: 10 }, (_, i) => record(i))),
    )
    await Effect.runPromise(service.flush())
    expect(state.delivered.length).toBeGreaterThanOrEqual(results.filter((r) => r._tag === "Accepted").length)
  })

  it("provides the port through its layer", async () => {
    const program = Effect.gen(function* () {
      const stream = yield* DeliveryStream
      const store = yield* ObjectStore
      return [stream.name, typeof store.put]
    })
    const layer = Layer.mergeAll(
      Layer.succeed(DeliveryStream, memoryDeliveryStream().service),
      MemoryObjectStore.layer(),
    )
    expect(await Effect.runPromise(Effect.provide(program, layer))).toEqual([
      "memory-delivery-stream",
      "function",
    ])
  })
})
