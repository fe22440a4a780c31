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
import { type BatchState, RETRY, STORED } from "./kinesisBatchState.ts"

/** Retries every stored entry of the devices for which `retried(device index)` holds. */
const retryStored = (state: BatchState, entries: number, retried: (device: number) => boolean) => {
  for (let o = 0; o < entries; o++) {
    if (state.fates[o] === STORED && retried(state.deviceOf[o] as number)) state.fates[o] = RETRY
  }
}

/** Writes each device's newest stored reading as its latest state; `entries` is the batch's count. */
export const writeLatest = Effect.fnUntraced(function* (
  state: BatchState,
  entries: number,
  execute: ExecuteOptions,
) {
  const intents: WriteIntent[] = []
  for (const device of state.devices) {
    if (device.newest !== undefined)
      intents.push({ _tag: "PutLatestIfNewer", id: device.deviceId, item: device.newest })
  }
  if (intents.length === 0) return
  const outcomes = yield* executeIntents(intents, execute)
  const failed = new Set<number>()
  state.devices.forEach((device, index) => {
    const outcome = outcomes.get(device.deviceId)
    if (outcome !== undefined && outcome._tag !== "Succeeded") failed.add(index)
  })
  for (const index of failed) {
    const outcome = outcomes.get((state.devices[index] as BatchState["devices"][0]).deviceId)
    if (outcome?._tag !== "Failed") continue
    if (outcome.error._tag === "Fatal") return yield* outcome.error
    if (outcome.error._tag === "Poison") {
      const deviceId = (state.devices[index] as BatchState["devices"][0]).deviceId
      return yield* new Fatal({
        reason: `the table stored a reading of ${deviceId} but refuses it as the latest state: ${outcome.error.reason}`,
      })
    }
  }
  if (failed.size > 0) retryStored(state, entries, (device) => failed.has(device))
})

/** When the latest-state writes could not run in time: every stored entry is retried. */
export const abandonLatest = (state: BatchState, entries: number): void =>
  retryStored(state, entries, () => true)

/** Whether the batch stored anything whose device's latest state must be written. */
export const hasLatest = (state: BatchState): boolean => state.devices.some((d) => d.newest !== undefined)
