/**
 * Projections in the Kinesis consumer, invoked as Lambda would (per shard, from the checkpoint;
 * after a partial batch response from the reported record; after a rejection, the whole batch
 * again) while the table and the projection store fail, time out after writing and crash: the
 * views end equal to a rebuild from scratch. New projections either start at the first batch, or
 * wait while a rebuild (`replayStream`) catches up — run at a random point — and take over from it.
 */
import {
  type AnyProjection,
  type EsmKinesisEvent,
  kinesisConsumer,
  kinesisEventOf,
  localEventSource,
  type StreamRecord,
} from "@sluice/core"
import { checkAsyncProperty } from "@sluice/testkit"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { MemoryTable } from "../../src/index.ts"
import { fastRetry, historyArb, makeWorld, standardProjections } from "./projectionWorld.ts"

type World = ReturnType<typeof makeWorld>

/** Invokes the handler over one shard from `cursor` until every record is done, as Lambda would. */
const drainShard = async (
  world: World,
  handler: (event: EsmKinesisEvent) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>,
  records: ReadonlyArray<StreamRecord>,
  from: number,
  batchSizes: ReadonlyArray<number>,
  stopAfter = Number.POSITIVE_INFINITY,
): Promise<number> => {
  let cursor = from
  let invocations = 0
  while (cursor < records.length && invocations < stopAfter) {
    const size = batchSizes[invocations % batchSizes.length] as number
    invocations++
    if (invocations > 2_000) throw new Error("the shard never drained")
    const batch = records.slice(cursor, cursor + size)
    try {
      const response = await handler(kinesisEventOf(batch, localEventSource(world.stream.name)))
      const failed = response.batchItemFailures[0]?.itemIdentifier
      cursor =
        failed === undefined ? cursor + batch.length : records.findIndex((r) => r.sequenceNumber === failed)
    } catch {
      // The whole batch again.
    }
  }
  return cursor
}

describe("projections in the Kinesis consumer", () => {
  it("equal a rebuild from scratch, whatever fails, however they start (property)", () =>
    checkAsyncProperty(
      fc.asyncProperty(
        historyArb(90),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        fc.record({
          table: fc.record({
            throttle: fc.double({ min: 0, max: 0.15, noNaN: true }),
            timeoutAfterWrite: fc.double({ min: 0, max: 0.15, noNaN: true }),
          }),
          store: fc.record({
            error: fc.double({ min: 0, max: 0.15, noNaN: true }),
            timeoutAfterWrite: fc.double({ min: 0, max: 0.15, noNaN: true }),
            crash: fc.double({ min: 0, max: 0.1, noNaN: true }),
          }),
        }),
        fc.constantFrom("start-here" as const, "rebuild" as const),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 1_000 }),
        async (history, batchSizes, faults, mode, rebuildAfter, seed) => {
          const projections: AnyProjection[] = standardProjections()
          const live = makeWorld({ faults: { faults: faults.store, seed } })
          const table = MemoryTable.memoryTable({ seed, faults: faults.table })
          const handler = kinesisConsumer({
            table,
            deadLetters: { put: async () => {}, list: async () => [] },
            projections,
            projectionStore: live.store,
            newProjections: mode,
            retry: fastRetry,
          }) as (event: EsmKinesisEvent) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>
          // Half the history; the consumer processes some of it (all of it when projections start
          // at once), a rebuild catches up and hands over, the rest arrives, the consumer goes on.
          const half = Math.floor(history.length / 2)
          await live.append(history.slice(0, half))
          const cursors = new Map<string, number>()
          for (const shard of live.stream.state.shards) {
            const stop = mode === "start-here" ? Number.POSITIVE_INFINITY : rebuildAfter
            cursors.set(shard.shardId, await drainShard(live, handler, shard.records, 0, batchSizes, stop))
          }
          if (mode === "rebuild") await live.replayUntilDone({ projections, retry: fastRetry })
          await live.append(history.slice(half))
          for (const shard of live.stream.state.shards)
            await drainShard(live, handler, shard.records, cursors.get(shard.shardId) ?? 0, batchSizes)
          const rebuilt = makeWorld()
          await rebuilt.append(history)
          await rebuilt.replayUntilDone({ projections, retry: fastRetry })
          const views = async (world: World) => {
            const snapshot = await world.snapshot(projections.slice(1))
            return { ...snapshot, latest: undefined }
          }
          const v = await views(live)
          console.log(history.length, mode, JSON.stringify(v).length, live.store.state.writes.commits)
          expect(v).toEqual(await views(rebuilt))
          expect(await table.scanLatest()).toEqual(await rebuilt.table.scanLatest())
          const progress = await Promise.all(
            projections.slice(1).map((p) => Effect.runPromise(live.store.service.progress(p.name))),
          )
          for (const sources of progress)
            for (const source of sources)
              if (source.position !== undefined) expect(source.status).toBe("live")
        },
      ),
      25,
    ))
})
