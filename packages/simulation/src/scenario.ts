/**
 * A scenario: the world's configuration and the commands that happen to it, as plain data.
 *
 * Plain data so fast-check can generate and shrink it (scenarioArbitrary.ts), print it when a
 * run fails, and replay it. Every random choice inside a run — which call a fault hits, retry
 * jitter, object names — derives from `config.seed`, so a scenario replays exactly.
 *
 * Commands are the moments the simulation can interleave: a device publishes, a consumer shard
 * polls, the lake feeder steps, time passes, a connection drops, the process dies. Whatever
 * happens within one command (an invocation with its retries and deadline, a broker routing a
 * message to three streams) plays out on virtual time inside it.
 */
import type { BatchLimits, RetryPolicy } from "@sluice/core"

/** What a device publishes: a hands-on reading, or one of the hostile kinds. */
export type PayloadKind =
  /** A valid reading (with SEQ when the device numbers its readings). */
  | "reading"
  /** A valid reading carrying a large extra field: over the table's item limit when limits are small. */
  | "bigReading"
  /** A valid reading the table refuses for good (TEMPERATURE -273: a simulated validation error). */
  | "tableRejects"
  /** A valid reading with `__proto__` and `constructor` keys. */
  | "protoKeys"
  /** Not JSON. */
  | "notJson"
  /** TEMPERATURE is a string. */
  | "wrongType"
  /** HUMIDITY is missing. */
  | "missingField"
  /** TIMESTAMP is not a time. */
  | "badTimestamp"
  /** TEMPERATURE is the string "NaN". */
  | "nanString"
  /** DEVICE_NAME tries to climb out of the data dir. */
  | "pathDeviceName"
  /** A valid reading published to a topic no rule reads: dropped, counted. */
  | "unmatchedTopic"

export const PAYLOAD_KINDS: ReadonlyArray<PayloadKind> = [
  "reading",
  "bigReading",
  "tableRejects",
  "protoKeys",
  "notJson",
  "wrongType",
  "missingField",
  "badTimestamp",
  "nanString",
  "pathDeviceName",
  "unmatchedTopic",
]

export interface DeviceSpec {
  /** A valid AWS IoT thing name: the client id, topic level and DEVICE_NAME. */
  readonly name: string
  /** Numbers its readings with SEQ (two readings in one second stay distinct). */
  readonly seq: boolean
}

/** Probabilities per call; 0 turns a fault off. */
export interface FaultRates {
  readonly stream: { readonly throttle: number; readonly partial: number; readonly readThrottle: number }
  readonly table: {
    readonly throttle: number
    readonly error: number
    readonly partial: number
    readonly timeoutAfterWrite: number
    /** The process dies in the middle of a table call (the whole stack restarts). */
    readonly crash: number
  }
  readonly deadLetters: {
    readonly throttle: number
    readonly error: number
    readonly timeoutAfterWrite: number
  }
  readonly checkpoints: { readonly error: number; readonly errorAfterWrite: number }
  readonly objectStore: {
    readonly throttle: number
    readonly error: number
    readonly timeoutAfterWrite: number
    readonly crash: number
  }
  readonly search: {
    readonly throttle: number
    readonly error: number
    readonly partial: number
    readonly timeoutAfterWrite: number
    readonly itemErrors: number
  }
  /** Per invocation: the function fails before doing anything, after doing everything, or times out after. */
  readonly handler: {
    readonly crashBefore: number
    readonly crashAfter: number
    readonly timeoutAfter: number
  }
  /** Per publish: the PUBACK is lost (the connection drops after the append), or the process dies mid-message. */
  readonly broker: { readonly ackLost: number; readonly crashMidPublish: number }
}

export interface MappingSettings {
  readonly batchSize: number
  readonly windowSeconds: number
  readonly maxRetryAttempts: number
  readonly maxRecordAgeSeconds: number
  readonly bisect: boolean
  /** The function's timeout (Lambda's `Timeout`). */
  readonly timeoutMs: number
}

export interface ConsumerSettings {
  readonly chunkSize: number
  readonly concurrency: number
  readonly retry: RetryPolicy
  readonly deadlineMarginMs: number
}

export interface SimConfig {
  readonly seed: number
  readonly devices: ReadonlyArray<DeviceSpec>
  /** Shards of each stream. */
  readonly shards: number
  readonly mapping: MappingSettings
  readonly consumer: ConsumerSettings
  readonly limits: { readonly table: BatchLimits; readonly stream: BatchLimits; readonly search: BatchLimits }
  readonly lake: { readonly sizeBytes: number; readonly intervalMs: number; readonly feederBatch: number }
  readonly faults: FaultRates
  /**
   * QoS 1 messages a device sends before waiting for their PUBACKs. Default 1, the hands-on
   * device's behaviour; more is what a device flushing its offline queue does (see
   * test/knownGaps.test.ts).
   */
  readonly window?: number
}

export type Command =
  | { readonly t: "publish"; readonly device: number; readonly kind: PayloadKind }
  | { readonly t: "poll"; readonly shard: number }
  | { readonly t: "lake" }
  | { readonly t: "lakeTick" }
  | { readonly t: "index" }
  | { readonly t: "advance"; readonly ms: number }
  | { readonly t: "disconnect"; readonly device: number }
  | { readonly t: "reconnect"; readonly device: number }
  | { readonly t: "crash" }
  | { readonly t: "skew"; readonly device: number; readonly ms: number }
  /** Transient faults off (calm) or back to the configured rates (storm). */
  | { readonly t: "calm" }
  | { readonly t: "storm" }

export interface Scenario {
  readonly config: SimConfig
  readonly commands: ReadonlyArray<Command>
}

/** The virtual time every run starts at: 2026-11-26T07:00:00Z. */
export const SIM_START_MS = Date.UTC(2026, 10, 26, 7, 0, 0)
