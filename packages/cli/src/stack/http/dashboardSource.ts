/**
 * What the dashboard's HTTP API reads and changes, as an interface the stack implements. The
 * server knows nothing of brokers, logs or tables — only this — so it can be tested against a
 * stub and the stack can change underneath it.
 */
import type { DeadLetter, JsonObject } from "@sluice/core"

/** Counts per pipeline stage since start, plus gauges. */
export interface PipelineStatus {
  /** Messages the broker accepted (PUBACKed after the durable append). */
  readonly received: number
  /** Rule actions dispatched (one message may go to several). */
  readonly routed: number
  /** Readings written to the table. */
  readonly stored: number
  /** Readings written to lake objects. */
  readonly delivered: number
  readonly deadLettered: number
  /** Accepted but not yet stored (in the stream, or retrying). */
  readonly inFlight: number
  /** Age of the oldest unprocessed stream record, milliseconds. */
  readonly lagMs: number
  /** Readings stored per second over the last few seconds. */
  readonly throughputPerSec: number
  readonly connectedClients: number
  readonly uptimeMs: number
}

export interface DeviceSummary {
  readonly deviceId: string
  /** Epoch ms the device's latest reading arrived. */
  readonly lastSeen: number | undefined
  /** The latest reading's fields as published. */
  readonly latest: JsonObject | undefined
  /** wait_time in the shadow: what the device reported and what is desired. */
  readonly reportedWaitTime: number | undefined
  readonly desiredWaitTime: number | undefined
}

export interface ReadingPoint {
  /** Epoch ms of the reading's time. */
  readonly t: number
  readonly fields: JsonObject
}

export type QueryResult =
  | { readonly ok: true; readonly columns: ReadonlyArray<string>; readonly rows: ReadonlyArray<JsonObject> }
  | { readonly ok: false; readonly error: string }

export type DashboardEvent =
  | { readonly type: "reading"; readonly data: { readonly deviceId: string } & ReadingPoint }
  | { readonly type: "status"; readonly data: PipelineStatus }
  | { readonly type: "device"; readonly data: DeviceSummary }
  | { readonly type: "deadLetter"; readonly data: DeadLetter }

export interface DashboardSource {
  /** True once the broker accepts messages. */
  readonly healthy: () => boolean
  readonly status: () => PipelineStatus
  /** Prometheus text exposition of the pipeline's metrics. */
  readonly metrics: () => string
  readonly devices: () => Promise<ReadonlyArray<DeviceSummary>>
  /** The device's most recent readings, oldest first. */
  readonly readings: (deviceId: string, limit: number) => Promise<ReadonlyArray<ReadingPoint>>
  readonly deadLetters: (limit: number) => Promise<ReadonlyArray<DeadLetter>>
  /** Sets the shadow's desired wait_time (null resets it); resolves with the shadow version. */
  readonly setWaitTime: (deviceId: string, seconds: number | null) => Promise<{ readonly version: number }>
  /** DuckDB SQL over the lake. */
  readonly query: (sql: string, limit: number) => Promise<QueryResult>
  /** Live events; returns the unsubscribe function. */
  readonly subscribe: (listener: (event: DashboardEvent) => void) => () => void
  /** A device's newest aggregate windows of a resolution, oldest first (absent: no projections). */
  readonly aggregates?: (
    deviceId: string,
    resolution: AggregateResolution,
    limit: number,
  ) => Promise<ReadonlyArray<JsonObject>>
  /** The newest threshold alerts, open ones first (absent: no projections). */
  readonly alerts?: (limit: number) => Promise<ReadonlyArray<JsonObject>>
}

export type AggregateResolution = "minute" | "hour"
