/**
 * One unit of the consumer's work: a run of consecutive entries written, reconciled and
 * dead-lettered, leaving each entry with a fate — stored, dead-lettered or retry.
 *
 * 1. Classify: poison goes to the letters; in ordered mode an entry of a key that stopped in an
 *    earlier chunk is retry; an event id seen before in the batch is a duplicate and shares the
 *    fate of its first occurrence (written once — duplicates in a batch are one write).
 * 2. Write the readings with `executeIntents` (batched within the table's limits, retried with
 *    backoff). A reading the table rejects for good is dead-lettered with the table's reason;
 *    a Fatal outcome fails the chunk (the handler throws and Lambda retries the batch).
 * 3. Ordered mode: walk the chunk in order; a key stops at its first transient failure, and its
 *    later entries are retry even if their write landed (they are rewritten after the earlier
 *    one — idempotent — which is the only way the key's order survives). Only then is the
 *    latest-state record written, from the entries still stored, so it never reflects a
 *    reading whose predecessor is still retrying:
 *
 *        key A:  a1 ok   a2 FAIL   a3 ok        latest(A) ← a1    retry from a2 (a3 rewritten)
 *
 *    In parallel mode readings and latest-state go in one `executeIntents` pass instead.
 * 4. Dead letters are put in one call (retried); if that fails they are retry — never lost.
 */
import { Clock, Effect, Result } from "effect"
import type { Fatal } from "../delivery/errors.ts"
import type { RecordOutcome } from "../delivery/reconcile.ts"
import { withRetry } from "../delivery/retryPolicy.ts"
import { type ExecuteOptions, executeIntents } from "../idempotency/executeIntents.ts"
import type { WriteIntent } from "../idempotency/intents.ts"
import { type DeadLetter, DeadLetters, deadLetterIdOf } from "../ports/deadLetters.ts"
import type { Item } from "../ports/table.ts"
import type { EventSource } from "../telemetry/envelope.ts"
import type { Entry, PoisonVerdict } from "./kinesisDecode.ts"
import { type KinesisStreamRecord, shardIdOf, streamNameOf } from "./kinesisEvent.ts"
import type { ConsumerMode } from "./kinesisOptions.ts"

/** Fates of entries, by position. */
export const PENDING = 0
export const STORED = 1
export const DEAD = 2
export const RETRY = 3
/** Poison, its dead letter not yet put. */
const LETTER = 4

/** What the chunks of one batch share. */
export interface BatchState {
  readonly fates: Uint8Array
  /** Position of the first occurrence of a duplicate's event id; -1 for a first occurrence. */
  readonly dupOf: Int32Array
  readonly firstById: Map<string, number>
  /** Partition keys stopped at a transient failure (ordered mode). */
  readonly blocked: Set<string>
  /** Reasons of readings the table rejected for good, by position. */
  readonly rejected: Map<number, PoisonVerdict>
  duplicates: number
}

export const makeBatchState = (size: number): BatchState => ({
  fates: new Uint8Array(size),
  dupOf: new Int32Array(size).fill(-1),
  firstById: new Map(),
  blocked: new Set(),
  rejected: new Map(),
  duplicates: 0,
})

export interface ChunkEnv {
  readonly mode: ConsumerMode
  readonly execute: ExecuteOptions & { readonly retry: NonNullable<ExecuteOptions["retry"]> }
  readonly records: ReadonlyArray<KinesisStreamRecord>
  readonly streamName: string | undefined
}

/**
 * Ordered mode: stop each key at its first retry; later entries of a stopped key are retry.
 * `carried` are the keys stopped before this chunk; the walk may run twice over a chunk (after
 * the readings, after the latest-state writes), so it starts from them, not from its own result.
 */
const stopFailedKeys = (
  entries: ReadonlyArray<Entry>,
  from: number,
  to: number,
  state: BatchState,
  carried: ReadonlySet<string>,
) => {
  const { fates, dupOf } = state
  const blocked = new Set(carried)
  for (let p = from; p < to; p++) {
    const fate = fates[p] === RETRY || (dupOf[p] as number) < 0 ? fates[p] : fates[dupOf[p] as number]
    // Poison is never written, so it cannot be out of order: it never stops its key.
    if (fate === LETTER || fate === DEAD) continue
    const key = (entries[p] as Entry).partitionKey
    if (blocked.has(key)) fates[p] = RETRY
    else if (fate === RETRY) {
      blocked.add(key)
      fates[p] = RETRY
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

/** Processes entries [from, to); fails only with Fatal. */
export const processChunk = Effect.fnUntraced(function* (
  entries: ReadonlyArray<Entry>,
  from: number,
  to: number,
  state: BatchState,
  env: ChunkEnv,
) {
  const { fates, dupOf, firstById } = state
  const ordered = env.mode === "ordered"
  const carried = new Set(state.blocked)
  const intents: WriteIntent[] = []
  for (let p = from; p < to; p++) {
    const entry = entries[p] as Entry
    if (entry.poison !== undefined) fates[p] = LETTER
    else if (ordered && state.blocked.has(entry.partitionKey)) fates[p] = RETRY
    else {
      const id = entry.id as string
      const first = firstById.get(id)
      if (first !== undefined) {
        dupOf[p] = first
        state.duplicates++
        continue
      }
      firstById.set(id, p)
      const item = entry.item as Item
      intents.push({ _tag: "PutReading", id, item, bytes: entry.bytes })
      if (!ordered) intents.push({ _tag: "PutLatestIfNewer", id, item })
    }
  }

  if (intents.length > 0) {
    const outcomes = yield* executeIntents(intents, env.execute)
    yield* settleWriters(entries, from, to, state, outcomes, idOf, "")
  }

  if (ordered) {
    stopFailedKeys(entries, from, to, state, carried)
    // Only the newest stored reading of a device can win its conditional write: send just that.
    const newest = new Map<string, Item>()
    for (let p = from; p < to; p++) {
      if (fates[p] !== STORED || (dupOf[p] as number) >= 0) continue
      const item = (entries[p] as Entry).item as Item
      const current = newest.get(item.deviceId)
      if (current === undefined || current.ts < item.ts) newest.set(item.deviceId, item)
    }
    if (newest.size > 0) {
      const latest: WriteIntent[] = []
      for (const [deviceId, item] of newest) latest.push({ _tag: "PutLatestIfNewer", id: deviceId, item })
      const outcomes = yield* executeIntents(latest, env.execute)
      yield* settleWriters(entries, from, to, state, outcomes, deviceOf, "latest-state ")
      stopFailedKeys(entries, from, to, state, carried)
    }
  }

  yield* putLetters(entries, from, to, state, env)

  for (let p = from; p < to; p++) {
    const first = dupOf[p] as number
    if (first >= 0 && fates[p] !== RETRY) fates[p] = fates[first] as number
  }
})

const idOf = (entry: Entry) => entry.id as string
const deviceOf = (entry: Entry) => (entry.item as Item).deviceId

/**
 * Applies executeIntents outcomes (keyed by `keyOf`: event id, or device for latest state) to
 * the chunk's first occurrences that are still stored or pending.
 */
const settleWriters = (
  entries: ReadonlyArray<Entry>,
  from: number,
  to: number,
  state: BatchState,
  outcomes: ReadonlyMap<string, RecordOutcome>,
  keyOf: (entry: Entry) => string,
  what: string,
): Effect.Effect<void, Fatal> => {
  const { fates, dupOf } = state
  for (let p = from; p < to; p++) {
    if ((dupOf[p] as number) >= 0 || (fates[p] !== PENDING && fates[p] !== STORED)) continue
    const outcome = outcomes.get(keyOf(entries[p] as Entry))
    if (outcome === undefined) continue
    if (outcome._tag === "Succeeded") fates[p] = STORED
    else if (outcome._tag === "Skipped") fates[p] = RETRY
    else if (outcome.error._tag === "Fatal") return Effect.fail(outcome.error)
    else if (outcome.error._tag === "Poison") {
      fates[p] = LETTER
      state.rejected.set(p, {
        reason: `the table rejects the ${what}write: ${outcome.error.reason}`,
        field: undefined,
      })
    } else fates[p] = RETRY
  }
  return Effect.void
}

const putLetters = Effect.fnUntraced(function* (
  entries: ReadonlyArray<Entry>,
  from: number,
  to: number,
  state: BatchState,
  env: ChunkEnv,
) {
  const { fates } = state
  const positions: number[] = []
  for (let p = from; p < to; p++) if (fates[p] === LETTER) positions.push(p)
  if (positions.length === 0) return
  const deadLetters = yield* DeadLetters
  const at = yield* Clock.currentTimeMillis
  const letters = positions.map((p) => {
    const entry = entries[p] as Entry
    return letterOf(entry, entry.poison ?? (state.rejected.get(p) as PoisonVerdict), env, at)
  })
  const put = yield* Effect.result(deadLetters.put(letters).pipe(withRetry(env.execute.retry)))
  if (Result.isFailure(put) && put.failure._tag === "Fatal") return yield* put.failure
  const fate = Result.isSuccess(put) ? DEAD : RETRY
  for (const p of positions) fates[p] = fate
})
