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
import { putLatestStates, type WriteOptions } from "../idempotency/writeReadings.ts"
import type { Item } from "../ports/table.ts"
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
  execute: WriteOptions,
) {
  const items: Item[] = []
  const devices: number[] = []
  state.devices.forEach((device, index) => {
    if (device.newest === undefined) return
    items.push(device.newest)
    devices.push(index)
  })
  const failures = yield* putLatestStates(items, execute)
  if (failures.size === 0) return
  const failed = new Set<number>()
  for (let k = 0; k < items.length; k++) {
    const error = failures.get(k)
    if (error === undefined) continue
    if (error._tag === "Fatal") return yield* error
    if (error._tag === "Poison")
      return yield* new Fatal({
        reason: `the table stored a reading of ${(items[k] as Item).deviceId} but refuses it as the latest state: ${error.reason}`,
      })
    failed.add(devices[k] as number)
  }
  if (failed.size > 0) retryStored(state, entries, (device) => failed.has(device))
})

/** When the latest-state writes could not run in time: every stored entry is retried. */
export const abandonLatest = (state: BatchState, entries: number): void =>
  retryStored(state, entries, () => true)

/** Whether the batch stored anything whose device's latest state must be written. */
export const hasLatest = (state: BatchState): boolean => state.devices.some((d) => d.newest !== undefined)
