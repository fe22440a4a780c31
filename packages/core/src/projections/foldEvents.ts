/**
 * The pure heart of applying history: fold positioned events into per-key states, collecting the
 * views each key must write and the table intents, exactly once per key and source.
 *
 * Each key remembers the position it has reached in each source. An event at or before it was
 * applied already — a Lambda retry, a replay over history the consumer applied, two appliers
 * meeting — and is skipped, so folding the same events any number of times, in any number of
 * pieces, gives the state of folding them once. A stateless projection keeps no positions: its
 * intents are applied every time, and must be idempotent.
 *
 * The accumulator (`KeyFold` per key) is what a caller commits — state, positions and views
 * together — or, in a Lambda tumbling window, carries to the next invocation.
 */
import type { WriteIntent } from "../idempotency/intents.ts"
import type { StoredState } from "../ports/projectionStore.ts"
import type { JsonObject } from "../telemetry/json.ts"
import type { PositionedEvent } from "./historyEvent.ts"
import { type AnyProjection, keyOfEvent } from "./projection.ts"

export interface KeyFold {
  readonly key: string
  /** The stored revision this fold started from (0: none); what the commit compares against. */
  readonly expectedRevision: number
  state: unknown
  positions: Record<string, string>
  /** Views to write with the state, last value per view key. */
  readonly views: Map<string, JsonObject>
  /** Whether anything was applied since the fold started. */
  changed: boolean
  /** Events applied since the fold started. */
  applied: number
}

export interface FoldTally {
  applied: number
  skipped: number
  /** The position of the last event folded or skipped. */
  last: string | undefined
}

/** A fold for a key, starting from its stored state (or the initial one). */
export const startFold = (
  projection: AnyProjection,
  key: string,
  stored: StoredState | undefined,
): KeyFold => ({
  key,
  expectedRevision: stored?.revision ?? 0,
  state: stored === undefined ? projection.initial : stored.state,
  positions: stored === undefined ? {} : { ...stored.positions },
  views: new Map(),
  changed: false,
  applied: 0,
})

/** The keys of events that no fold in `keys` covers yet. */
export const missingKeys = (
  projection: AnyProjection,
  events: ReadonlyArray<PositionedEvent>,
  keys: ReadonlyMap<string, KeyFold>,
): string[] => {
  const missing = new Set<string>()
  for (const { event } of events) {
    const key = keyOfEvent(projection, event)
    if (!keys.has(key)) missing.add(key)
  }
  return [...missing]
}

/**
 * Folds `events` (in source order) into `keys`, starting keys it lacks from `loaded`; table
 * intents are appended to `tableIntents`. Returns what was applied and skipped.
 */
export const foldEvents = (
  projection: AnyProjection,
  source: string,
  events: ReadonlyArray<PositionedEvent>,
  keys: Map<string, KeyFold>,
  loaded: ReadonlyMap<string, StoredState>,
  tableIntents: WriteIntent[],
): FoldTally => {
  const tally: FoldTally = { applied: 0, skipped: 0, last: undefined }
  const stateless = projection.stateless === true
  for (const { event, position } of events) {
    tally.last = position
    const key = keyOfEvent(projection, event)
    let fold = keys.get(key)
    if (fold === undefined) {
      fold = startFold(projection, key, loaded.get(key))
      keys.set(key, fold)
    }
    if (!stateless) {
      const reached = fold.positions[source]
      if (reached !== undefined && position <= reached) {
        tally.skipped++
        continue
      }
    }
    const applied = projection.apply(fold.state, event)
    fold.state = applied.state
    if (!stateless) fold.positions[source] = position
    fold.changed = true
    fold.applied++
    tally.applied++
    for (const intent of applied.intents) {
      if (intent._tag === "PutView") fold.views.set(intent.key, intent.value)
      else tableIntents.push(intent)
    }
  }
  return tally
}
