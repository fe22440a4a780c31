/**
 * The end of a run: the weather clears and everything must settle.
 *
 * Transient faults go off (deterministic rejections stay), devices reconnect and resend their
 * outboxes, and every consumer — mapping shards, lake feeder and flush, search indexer — runs
 * round after round, time advancing past backoffs and batching windows, until every stream is
 * processed and checkpointed to its tip and no device holds an unacknowledged message. A run
 * that does not settle in `MAX_ROUNDS` is a violation of invariant 5: something is retried
 * forever (a poison record blocking its shard, a retry that never ends).
 */
import type { Checker } from "./invariants/check.ts"
import { sendOutbox } from "./world/devices.ts"
import { ProcessCrash } from "./world/processCrash.ts"
import type { World } from "./world/world.ts"

export const MAX_ROUNDS = 200
/** Time a round lets pass when nothing is waiting for a known moment: past any batching window. */
const ROUND_MS = 1_000

export interface DrainOutcome {
  readonly rounds: number
  /** Undefined when everything settled; else what did not. */
  readonly stuck?: string
}

export const drain = async (world: World, checker: Checker): Promise<DrainOutcome> => {
  world.calm()
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    try {
      for (const device of world.devices) {
        device.held = false
        device.connected = true
        sendOutbox(device, world.send, world.config.window)
      }
      for (const shard of world.shards()) for (let turn = 0; turn < 50 && !shard.idle(); turn++) shard.poll()
      for (const shard of world.shards()) shard.poll()
      const lake = world.lake()
      if (lake) {
        for (let turn = 0; turn < 20; turn++) if (!(await lake.step())) break // 0 read, or failed
        await lake.flush()
      }
      world.indexer()?.step()
    } catch (error) {
      // With faults off nothing should crash; if something still does, restart and carry on.
      if (!(error instanceof ProcessCrash)) throw error
      await world.crash(error.message)
    }
    const left = checker.unprocessed()
    const outbox = world.devices.reduce((sum, device) => sum + device.outbox.length, 0)
    const buffered = (await world.lake()?.buffered()) ?? 0
    const busy = world.shards().filter((shard) => !shard.idle()).length
    if (left.table + left.lake + left.search + outbox + buffered + busy === 0) return { rounds: round }
    const waits = world.shards().map((shard) => shard.notBefore() - world.runtime.now())
    world.runtime.advance(Math.max(ROUND_MS, ...waits))
    if (round === MAX_ROUNDS)
      return {
        rounds: round,
        stuck: `after ${round} rounds: ${left.table} table, ${left.lake} lake and ${left.search} search records unprocessed, ${outbox} messages unacknowledged, ${buffered} lake records buffered, ${busy} shards busy`,
      }
  }
  return { rounds: MAX_ROUNDS, stuck: "never settled" }
}
