/**
 * A projection: a pure fold over the history of readings (docs/decisions/1001-projections-as-keyed-folds.md).
 *
 *     apply(state, event) → { state, intents }
 *
 * `apply` must be pure — the same state and event always give the same result, nothing is
 * mutated, nothing is read from outside — because that is what makes a rebuild from history equal
 * to the live view, and a replay change nothing. The state is kept per key (`keyOf`, the device
 * by default): the store loads only the keys a batch touches, a key's state and views are
 * committed together, and a device's readings — which share a partition key, hence a shard — are
 * folded in their stream order. States and view values must be JSON.
 *
 * Intents say what the world should hold afterwards: table writes (`PutReading`,
 * `PutLatestIfNewer`, executed by `executeIntents` against the Table port) and `PutView` (the
 * projection's own views in the ProjectionStore, written atomically with the key's state). A
 * `stateless` projection keeps no state and no positions: its intents alone are its effect, and
 * must be idempotent (the latest-state record is one).
 *
 * `version` (and `fingerprint`, a digest of its configuration) names the fold: change either and
 * the projection is rebuilt from the start of history, while the others keep running.
 */
import type { WriteIntent } from "../idempotency/intents.ts"
import type { TelemetryEvent } from "../telemetry/envelope.ts"
import type { Json, JsonObject } from "../telemetry/json.ts"

/** Upsert one of the projection's views (key → JSON object). */
export interface PutView {
  readonly _tag: "PutView"
  readonly key: string
  readonly value: JsonObject
}

export type ProjectionIntent = WriteIntent | PutView

export interface Applied<S> {
  readonly state: S
  readonly intents: ReadonlyArray<ProjectionIntent>
}

export interface Projection<S = Json> {
  /** Lowercase letters, digits, `-`, `_`, `:` and `.`; names its views and progress in the store. */
  readonly name: string
  /** A positive integer; a new version is rebuilt from the start of history. */
  readonly version: number
  /** A digest of the configuration; a change rebuilds like a new version. Default "". */
  readonly fingerprint?: string
  /** The state of a key before its first event. */
  readonly initial: S
  /** Keeps no state: intents only, each idempotent (applied at least once). */
  readonly stateless?: boolean
  /** The key an event's state lives under. Default: the reading's device. */
  readonly keyOf?: (event: TelemetryEvent) => string
  readonly apply: (state: S, event: TelemetryEvent) => Applied<S>
}

/** Any projection, whatever its state type (for lists of them). */
// biome-ignore lint/suspicious/noExplicitAny: a list holds projections of different state types.
export type AnyProjection = Projection<any>

const NAME = /^[a-z0-9][a-z0-9_.:-]{0,127}$/

/** Why a projection cannot run, or undefined. */
export const projectionProblem = (projection: AnyProjection): string | undefined => {
  if (!NAME.test(projection.name))
    return `projection name ${JSON.stringify(projection.name)} must be 1–128 of a-z 0-9 _ . : - (starting with a letter or digit)`
  if (!Number.isSafeInteger(projection.version) || projection.version < 1)
    return `projection ${projection.name}: version must be a positive integer, got ${projection.version}`
  if (typeof projection.apply !== "function") return `projection ${projection.name}: apply is not a function`
  return undefined
}

/** Checks a list: each valid, names unique. Throws a RangeError listing the problems. */
export const validateProjections = (projections: ReadonlyArray<AnyProjection>): void => {
  const problems = projections.map(projectionProblem).filter((p) => p !== undefined)
  const names = projections.map((p) => p.name)
  const repeated = names.filter((name, i) => names.indexOf(name) !== i)
  if (repeated.length > 0)
    problems.push(`projection names must be unique: ${[...new Set(repeated)].join(", ")}`)
  if (problems.length > 0) throw new RangeError(problems.join("; "))
}

export const keyOfEvent = (projection: AnyProjection, event: TelemetryEvent): string =>
  projection.keyOf === undefined ? event.reading.deviceId : projection.keyOf(event)

/**
 * A short, stable digest of a JSON configuration (FNV-1a, 32 bits, hex) for `fingerprint`:
 * not a security hash, only a change detector.
 */
export const fingerprintOf = (config: Json): string => {
  const text = stableJson(config)
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16).padStart(8, "0")
}

/** JSON with object keys sorted, so equal configurations give equal text. */
const stableJson = (value: Json): string => {
  if (value === null || typeof value !== "object") return JSON.stringify(value)
  if (Array.isArray(value)) return `[${(value as ReadonlyArray<Json>).map(stableJson).join(",")}]`
  const object = value as JsonObject
  return `{${Object.keys(object)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${stableJson(object[key] as Json)}`)
    .join(",")}}`
}
