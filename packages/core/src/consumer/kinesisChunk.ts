/**
 * One unit of the consumer's work: a run of consecutive entries written, reconciled and
 * dead-lettered, leaving each entry with a fate — stored, dead-lettered or retry.
 *
 * 1. Classify: poison goes to the letters; in ordered mode an entry of a key that stopped in an
 *    earlier chunk is retry; a reading seen before in the batch (same device and sort key, i.e.
 *    the same event id) is a duplicate and shares the fate of its first occurrence — written
 *    once.
 * 2. Write the readings with `writeReadings` (batched within the table's limits, retried with
 *    backoff; only failures come back). A reading the table rejects for good is dead-lettered
 *    with the table's reason; a Fatal outcome fails the chunk (the handler throws and Lambda
 *    retries the batch).
 * 3. Ordered mode: walk the chunk in order; a key stops at its first transient failure, and its
 *    later entries are retry even if their write landed (they are rewritten after the earlier
 *    one — idempotent — which is the only way the key's order survives):
 *
 *        key A:  a1 ok   a2 FAIL   a3 ok        stored: a1      retry from a2 (a3 rewritten)
 *
 *    The latest-state records are written once per batch, from the entries still stored
 *    (kinesisLatest.ts), so they never reflect a reading whose predecessor is still retrying.
 * 4. Dead letters are put in one call (retried); if that fails they are retry — never lost.
 *
 * State shared between chunks (fates by ordinal, devices, stopped keys) is in
 * kinesisBatchState.ts.
 */
import { Clock, Effect, Result } from "effect"
import type { Fatal } from "../delivery/errors.ts"
import { withRetry } from "../delivery/retryPolicy.ts"
import { type WriteFailures, type WriteOptions, writeReadings } from "../idempotency/writeReadings.ts"
import { type DeadLetter, DeadLetters, deadLetterIdOf } from "../ports/deadLetters.ts"
import type { Item } from "../ports/table.ts"
import type { EventSource } from "../telemetry/envelope.ts"
import {
  type BatchState,
  DEAD,
  type DeviceState,
  deviceIndexOf,
  firstOccurrence,
  LETTER,
  RETRY,
  reserveEntries,
  STORED,
} from "./kinesisBatchState.ts"
import type { Entry, PoisonVerdict } from "./kinesisDecode.ts"
import { type KinesisStreamRecord, shardIdOf, streamNameOf } from "./kinesisEvent.ts"
import type { ConsumerMode } from "./kinesisOptions.ts"

export interface ChunkEnv {
  readonly mode: ConsumerMode
  readonly execute: WriteOptions & { readonly retry: NonNullable<WriteOptions["retry"]> }
  readonly records: ReadonlyArray<KinesisStreamRecord>
  readonly streamName: string | undefined
}

/** One chunk in flight: its entries, the ordinal of the first, and where duplicates point. */
interface Chunk {
  readonly entries: ReadonlyArray<Entry>
  readonly base: number
  /** Ordinal of a duplicate's first occurrence; -1 for a first occurrence. */
  readonly dupOf: Int32Array
  /** Reasons of readings the table rejected for good, by index in the chunk. */
  readonly rejected: Map<number, PoisonVerdict>
}

/**
 * Ordered mode: stop each key at its first retry; later entries of a stopped key are retry.
 * `carried` are the keys stopped before this chunk; the walk may run twice over a chunk (after
 * the readings, after the latest-state writes), so it starts from them, not from its own result.
 */
const stopFailedKeys = (chunk: Chunk, state: BatchState, carried: ReadonlySet<string>) => {
  const { fates } = state
  const blocked = new Set(carried)
  for (let i = 0; i < chunk.entries.length; i++) {
    const o = chunk.base + i
    const first = chunk.dupOf[i] as number
    const fate = fates[o] === RETRY || first < 0 ? fates[o] : fates[first]
    // Poison is never written, so it cannot be out of order: it never stops its key.
    if (fate === LETTER || fate === DEAD) continue
    const key = (chunk.entries[i] as Entry).partitionKey
    if (blocked.has(key)) fates[o] = RETRY
    else if (fate === RETRY) {
      blocked.add(key)
      fates[o] = RETRY
    }
  }
  for (const key of blocked) state.blocked.add(key)
}

const base64Of = (payload: string | Uint8Array) =>
  typeof payload === "string"
    ? payload
    : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString("base64")

const letterOf = (entry: Entry, verdict: PoisonVerdict, env: ChunkEnv, at: number): DeadLetter => {
  const record = env.records[entry.recordIndex] as KinesisStreamRecord
  const stream = env.streamName ?? streamNameOf(record)
  const shardId = shardIdOf(record)
  const source: EventSource = {
    ...(stream === undefined ? {} : { stream }),
    ...(shardId === undefined ? {} : { shardId }),
    sequenceNumber: entry.sequenceNumber,
    ...(entry.subSequenceNumber === undefined ? {} : { subSequenceNumber: entry.subSequenceNumber }),
  }
  const id = deadLetterIdOf(source, `${entry.sequenceNumber}/${entry.subSequenceNumber ?? 0}`)
  const letter = { id, reason: verdict.reason, payload: base64Of(entry.payload), source, at }
  return verdict.field === undefined ? letter : { ...letter, field: verdict.field }
}

/** Processes one chunk whose first entry has ordinal `base`; fails only with Fatal. */
export const processChunk = Effect.fnUntraced(function* (
  entries: ReadonlyArray<Entry>,
  base: number,
  state: BatchState,
  env: ChunkEnv,
) {
  reserveEntries(state, base + entries.length)
  const { fates, blocked } = state
  const chunk: Chunk = { entries, base, dupOf: new Int32Array(entries.length).fill(-1), rejected: new Map() }
  const ordered = env.mode === "ordered"
  const carried = new Set(blocked)
  // The readings to write — first occurrences only, so their keys are distinct — with their
  // size hints and ordinals, in parallel arrays: nothing is allocated per reading but slots.
  const items: Item[] = []
  const sizes: Array<number | undefined> = []
  const ordinals: number[] = []
  let retried = carried.size > 0
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as Entry
    const o = base + i
    state.recordIndex[o] = entry.recordIndex
    state.deviceOf[o] = -1
    if (entry.poison !== undefined) fates[o] = LETTER
    else if (ordered && blocked.size > 0 && blocked.has(entry.partitionKey)) fates[o] = RETRY
    else {
      const item = entry.item as Item
      const device = deviceIndexOf(state, item.deviceId)
      state.deviceOf[o] = device
      const first = firstOccurrence(state.devices[device] as DeviceState, item, o)
      if (first >= 0) {
        chunk.dupOf[i] = first
        state.duplicates++
        if (fates[first] === RETRY) retried = true
        continue
      }
      items.push(item)
      sizes.push(entry.bytes)
      ordinals.push(o)
    }
  }

  if (items.length > 0) {
    const failures = yield* writeReadings(items, { ...env.execute, sizes })
    for (const o of ordinals) fates[o] = STORED
    if (failures.size > 0) retried = (yield* settleFailures(chunk, state, ordinals, failures)) || retried
  }
  // The walk only matters once something failed: skip it on the common, all-stored path.
  if (ordered && retried) stopFailedKeys(chunk, state, carried)

  yield* putLetters(chunk, state, env)

  for (let i = 0; i < entries.length; i++) {
    const o = base + i
    const first = chunk.dupOf[i] as number
    if (first >= 0 && fates[o] !== RETRY) fates[o] = fates[first] as number
    if (first < 0 && fates[o] === STORED) {
      // Only the newest stored reading of a device can win its conditional write.
      const device = state.devices[state.deviceOf[o] as number] as DeviceState
      const item = (entries[i] as Entry).item as Item
      if (device.newest === undefined || device.newest.ts < item.ts) device.newest = item
    }
  }
})

/**
 * Applies the writes' failures to the chunk's first occurrences (all marked stored before); true
 * if any is to be retried. A Fatal fails the chunk — the first in the chunk's order.
 */
const settleFailures = (
  chunk: Chunk,
  state: BatchState,
  ordinals: ReadonlyArray<number>,
  failures: WriteFailures,
): Effect.Effect<boolean, Fatal> => {
  const { fates } = state
  let retried = false
  for (let k = 0; k < ordinals.length; k++) {
    const error = failures.get(k)
    if (error === undefined) continue
    const o = ordinals[k] as number
    if (error._tag === "Fatal") return Effect.fail(error)
    if (error._tag !== "Poison") {
      fates[o] = RETRY
      retried = true
    } else {
      fates[o] = LETTER
      chunk.rejected.set(o - chunk.base, {
        reason: `the table rejects the write: ${error.reason}`,
        field: undefined,
      })
    }
  }
  return Effect.succeed(retried)
}

const putLetters = Effect.fnUntraced(function* (chunk: Chunk, state: BatchState, env: ChunkEnv) {
  const { fates } = state
  const indexes: number[] = []
  for (let i = 0; i < chunk.entries.length; i++) if (fates[chunk.base + i] === LETTER) indexes.push(i)
  if (indexes.length === 0) return
  const deadLetters = yield* DeadLetters
  const at = yield* Clock.currentTimeMillis
  const letters = indexes.map((i) => {
    const entry = chunk.entries[i] as Entry
    return letterOf(entry, entry.poison ?? (chunk.rejected.get(i) as PoisonVerdict), env, at)
  })
  const put = yield* Effect.result(deadLetters.put(letters).pipe(withRetry(env.execute.retry)))
  if (Result.isFailure(put) && put.failure._tag === "Fatal") return yield* put.failure
  const fate = Result.isSuccess(put) ? DEAD : RETRY
  for (const i of indexes) fates[chunk.base + i] = fate
})
