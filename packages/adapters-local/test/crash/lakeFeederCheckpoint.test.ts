/**
 * The lake feeder's checkpoint after a checkpoint store that refuses a write (found by the
 * deterministic simulation, seed 139): the records whose objects are written must still be
 * checkpointed by a later commit, even when no new record arrives — otherwise the checkpoint
 * lags forever in a quiet system and every restart writes those records into the lake again.
 */
import { MemoryCheckpoints, MemoryObjectStore, MemoryStream } from "@sluice/adapters-memory"
import { Checkpoints, DeliveryStream, ObjectStore, Retryable, Stream } from "@sluice/core"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import { LakeProgress } from "../../src/lake/lakeProgress.ts"
import * as LocalDeliveryStream from "../../src/lake/localDeliveryStream.ts"
import { makeLakeFeeder } from "../../src/lake/streamToLake.ts"
import { payload, T0 } from "../lake/lakeFixtures.ts"

describe("lake feeder checkpoints after a refused checkpoint write", () => {
  it("retries the checkpoint at the next commit, with no new record", async () => {
    const stream = MemoryStream.make({ shardCount: 1 })
    const stored = MemoryCheckpoints.make()
    let refuse = 1
    const checkpoints = Checkpoints.of({
      get: stored.get,
      set: (consumer, shardId, sequenceNumber) =>
        refuse-- > 0
          ? Effect.fail(new Retryable({ reason: "checkpoint store unavailable" }))
          : stored.set(consumer, shardId, sequenceNumber),
    })
    const program = Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      const delivery = yield* LocalDeliveryStream.make({
        seed: 1,
        ticker: false,
        bufferHints: { sizeBytes: 10, intervalMs: 60_000 },
      })
      const services = Layer.mergeAll(
        Layer.succeed(Stream, stream),
        Layer.succeed(Checkpoints, checkpoints),
        Layer.succeed(DeliveryStream, DeliveryStream.of(delivery)),
        Layer.succeed(LakeProgress, LakeProgress.of(delivery)),
      )
      const feeder = yield* Effect.provide(makeLakeFeeder({ consumer: "lake" }), services)
      const [put] = yield* stream.putRecords([{ partitionKey: "dev-1", data: payload("dev-1", T0) }])
      // The record fills a buffer at once: its object is written, the checkpoint write is refused.
      const first = yield* Effect.exit(feeder.step)
      expect(first._tag).toBe("Failure")
      // Nothing new arrives; the next commit must still store the checkpoint.
      yield* feeder.commit
      return put
    }).pipe(Effect.provideService(ObjectStore, MemoryObjectStore.make()), Effect.provide(TestClock.layer()))
    const put = await Effect.runPromise(program)
    const checkpoint = await Effect.runPromise(stored.get("lake", put?._tag === "Put" ? put.shardId : ""))
    expect(checkpoint).toBe(put?._tag === "Put" ? put.sequenceNumber : "")
  })
})
