/**
 * Applying a batch of positioned events to one projection, against the ports: the Effect around
 * `foldEvents`.
 *
 *     load the touched keys' states ─▶ fold ─▶ table intents (executeIntents) ─▶ commit states + views
 *                ▲                                                                  │ conflict on key k
 *                └──────────────── re-read k, fold only k's events again ◀──────────┘
 *
 * Table intents run before the commit: they are idempotent, so a crash or a conflict that folds
 * them again only repeats them. A key's state and views are committed together, compare-and-set
 * on its revision, so each key applies each event exactly once whoever else is applying the same
 * source; a conflict means another applier got there first, and folding again from its state
 * skips what it applied. A `Stale` commit — the projection was re-registered meanwhile — ends the
 * batch: this applier's generation is gone. Store calls are retried under the retry policy;
 * what is still failing after it is returned as the error, for the caller to retry the batch.
 *
 * With a `cache` (the live consumer's, projectionCache.ts) states come from memory when they can
 * and go back to it once committed; only keys never seen, or seen changing elsewhere, are read.
 */
import { Effect } from "effect"
import { Fatal, Retryable } from "../delivery/errors.ts"
import { defaultRetryPolicy, type RetryPolicy, withRetry } from "../delivery/retryPolicy.ts"
import { executeIntents } from "../idempotency/executeIntents.ts"
import type { WriteIntent } from "../idempotency/intents.ts"
import type { StoredState } from "../ports/projectionStore.ts"
import {
  type CommitResult,
  type KeyCommit,
  ProjectionStore,
  type ProjectionStoreError,
} from "../ports/projectionStore.ts"
import type { Json } from "../telemetry/json.ts"
import { foldEvents, type KeyFold, missingKeys } from "./foldEvents.ts"
import type { PositionedEvent } from "./historyEvent.ts"
import { type AnyProjection, keyOfEvent } from "./projection.ts"
import type { ProjectionCache } from "./projectionCache.ts"

/** Rounds of re-reading conflicting keys before giving up (the batch is then retried whole). */
const MAX_CONFLICT_ROUNDS = 5

export interface ApplyOptions {
  readonly retry?: RetryPolicy
  /** States kept between batches by a live applier: read from it, written back after commits. */
  readonly cache?: ProjectionCache
}

export interface ApplyResult {
  readonly applied: number
  readonly skipped: number
  /** The projection was re-registered by someone else: this generation must stop. */
  readonly stale: boolean
}

/** Runs a projection's table intents; a table that refuses one for good is a Fatal misconfiguration. */
export const executeTableIntents = Effect.fnUntraced(function* (
  projection: AnyProjection,
  intents: ReadonlyArray<WriteIntent>,
  retry: RetryPolicy,
) {
  if (intents.length === 0) return
  const outcomes = yield* executeIntents(intents, { retry })
  for (const outcome of outcomes.values()) {
    if (outcome._tag !== "Failed") continue
    const error = outcome.error
    if (error._tag === "Poison")
      return yield* new Fatal({
        reason: `projection ${projection.name}: the table refuses its write: ${error.reason}`,
      })
    return yield* error
  }
})

/** The commit of a fold: its state (unless stateless) and its views. */
export const keyCommitOf = (projection: AnyProjection, fold: KeyFold): KeyCommit => ({
  key: fold.key,
  expectedRevision: fold.expectedRevision,
  ...(projection.stateless === true
    ? {}
    : { state: { value: fold.state as Json, positions: fold.positions } }),
  views: [...fold.views].map(([key, value]) => ({ key, value })),
})

/** Commits the changed folds (nothing to write commits nothing). */
export const commitFolds = (
  projection: AnyProjection,
  generation: number,
  folds: Iterable<KeyFold>,
  retry: RetryPolicy,
): Effect.Effect<CommitResult, ProjectionStoreError, ProjectionStore> =>
  Effect.gen(function* () {
    const commits: KeyCommit[] = []
    for (const fold of folds) {
      if (!fold.changed) continue
      if (projection.stateless === true && fold.views.size === 0) continue
      commits.push(keyCommitOf(projection, fold))
    }
    if (commits.length === 0) return { _tag: "Committed", conflicts: [] } as CommitResult
    const store = yield* ProjectionStore
    return yield* store.commit(projection.name, generation, commits).pipe(withRetry(retry))
  })

/** The stored states of `wanted`: from the cache (taken out of it) where it has them, else read. */
const loadStates = Effect.fnUntraced(function* (
  projection: AnyProjection,
  generation: number,
  wanted: ReadonlyArray<string>,
  retry: RetryPolicy,
  cache: ProjectionCache | undefined,
) {
  if (wanted.length === 0) return new Map<string, StoredState>()
  const store = yield* ProjectionStore
  if (cache === undefined) return yield* store.states(projection.name, wanted).pipe(withRetry(retry))
  const found = new Map<string, StoredState>()
  const unknown: string[] = []
  for (const key of wanted) {
    const cached = cache.take(projection.name, generation, key)
    if (cached === undefined) unknown.push(key)
    else found.set(key, cached)
  }
  if (unknown.length > 0) {
    const read = yield* store.states(projection.name, unknown).pipe(withRetry(retry))
    for (const [key, state] of read) found.set(key, state)
  }
  return found
})

/** Puts back what the store now holds for the folds that did not conflict. */
const cacheCommitted = (
  cache: ProjectionCache,
  projection: AnyProjection,
  generation: number,
  folds: Iterable<KeyFold>,
  loaded: ReadonlyMap<string, StoredState>,
  conflicts: ReadonlySet<string>,
) => {
  for (const fold of folds) {
    if (conflicts.has(fold.key)) continue
    if (fold.changed)
      cache.put(projection.name, generation, {
        key: fold.key,
        revision: fold.expectedRevision + 1,
        state: fold.state as Json,
        positions: fold.positions,
      })
    else {
      const unchanged = loaded.get(fold.key)
      if (unchanged !== undefined) cache.put(projection.name, generation, unchanged)
    }
  }
}

/** Applies events of one source, in source order, exactly once per key. */
export const applyEvents = Effect.fnUntraced(function* (
  projection: AnyProjection,
  generation: number,
  source: string,
  events: ReadonlyArray<PositionedEvent>,
  options: ApplyOptions = {},
) {
  const retry = options.retry ?? defaultRetryPolicy
  const cache = projection.stateless === true ? undefined : options.cache
  let pending = events
  let applied = 0
  let skipped = 0
  for (let round = 0; round < MAX_CONFLICT_ROUNDS; round++) {
    const keys = new Map<string, KeyFold>()
    const wanted = projection.stateless === true ? [] : missingKeys(projection, pending, keys)
    const loaded = yield* loadStates(projection, generation, wanted, retry, cache)
    const tableIntents: WriteIntent[] = []
    const tally = foldEvents(projection, source, pending, keys, loaded, tableIntents)
    yield* executeTableIntents(projection, tableIntents, retry)
    const result = yield* commitFolds(projection, generation, keys.values(), retry)
    if (result._tag === "Stale") {
      cache?.forget(projection.name)
      return { applied, skipped, stale: true } as ApplyResult
    }
    const conflicts = new Set(result.conflicts)
    if (cache !== undefined) cacheCommitted(cache, projection, generation, keys.values(), loaded, conflicts)
    for (const fold of keys.values()) if (!conflicts.has(fold.key)) applied += fold.applied
    if (conflicts.size === 0) {
      skipped += tally.skipped
      return { applied, skipped, stale: false } as ApplyResult
    }
    pending = pending.filter(({ event }) => conflicts.has(keyOfEvent(projection, event)))
  }
  return yield* new Retryable({
    reason: `projection ${projection.name}: keys kept changing under concurrent appliers; retry the batch`,
  })
})
