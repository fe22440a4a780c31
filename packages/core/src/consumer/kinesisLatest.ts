/**
 * The batch's latest-state writes: one conditional write per device, carrying the newest
 * reading the batch stored for it, after every chunk is done.
 *
 * Once per batch rather than per chunk or per record: only the newest reading of a device can
 * win its conditional write (`putLatestIfNewer` never moves backwards), so one write per device
 * is all the table needs — on DynamoDB that is one PutItem per device per invocation. In
 * ordered mode the readings considered are those still stored after each key stopped at its
 * first failure, so the record never reflects a reading whose predecessor is being retried.
 *
 * If a device's write fails transiently, every stored entry of that device is retried: Lambda
 * re-delivers them and the next invocation writes the latest state again. A store that
 * accepted a reading but refuses it as a latest-state record (Poison) is misconfigured, not
 * the record's fault: that is Fatal.
 */
import { Effect } from "effect"
import { Fatal } from "../delivery/errors.ts"
import { type ExecuteOptions, executeIntents } from "../idempotency/executeIntents.ts"
import type { WriteIntent } from "../idempotency/intents.ts"
import { type BatchState, RETRY } from "./kinesisChunk.ts"

export const writeLatest = Effect.fnUntraced(function* (state: BatchState, execute: ExecuteOptions) {
  if (state.latest.size === 0) return
  const intents: WriteIntent[] = []
  for (const [deviceId, device] of state.latest) {
    intents.push({ _tag: "PutLatestIfNewer", id: deviceId, item: device.item })
  }
  const outcomes = yield* executeIntents(intents, execute)
  for (const [deviceId, device] of state.latest) {
    const outcome = outcomes.get(deviceId)
    if (outcome === undefined || outcome._tag === "Succeeded") continue
    if (outcome._tag === "Failed" && outcome.error._tag === "Fatal") return yield* outcome.error
    if (outcome._tag === "Failed" && outcome.error._tag === "Poison") {
      return yield* new Fatal({
        reason: `the table stored a reading of ${deviceId} but refuses it as the latest state: ${outcome.error.reason}`,
      })
    }
    for (const ordinal of device.ordinals) state.fates[ordinal] = RETRY
  }
})

/** When the latest-state writes could not run in time: every stored entry is retried. */
export const abandonLatest = (state: BatchState): void => {
  for (const device of state.latest.values())
    for (const ordinal of device.ordinals) state.fates[ordinal] = RETRY
}
