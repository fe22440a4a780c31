/**
 * What `sluice sim` tells the person running it.
 *
 * - Live progress (a terminal, or `--progress always`): one line on stderr, rewritten each
 *   second — devices connected, readings sent and acknowledged per second, queued, dropped,
 *   errors. On a terminal the line is redrawn in place; otherwise a line per second.
 * - Each distinct error is printed once, when first seen (ten thousand devices refused the
 *   same way make one line, its count shows in the progress and the summary).
 * - At the end a summary: totals, rates, the errors by kind, and the seed to replay the run.
 */
import type { DeviceEvent, FleetStats } from "@sluice/device"

export interface ProgressState {
  at: number
  stats: FleetStats | undefined
}

const rate = (now: number, before: number, seconds: number) =>
  seconds > 0 ? Math.round((now - before) / seconds) : 0

/** One progress line: `connected 98/100 · sent 97/s · acked 97/s · queued 0 · dropped 0 · errors 2`. */
export const progressLine = (stats: FleetStats, previous: ProgressState, nowMs: number): string => {
  const seconds = (nowMs - previous.at) / 1000
  const before = previous.stats
  const parts = [
    `connected ${stats.connected}/${stats.devices}`,
    `sent ${rate(stats.sent, before?.sent ?? 0, seconds)}/s`,
    `acked ${rate(stats.acked, before?.acked ?? 0, seconds)}/s`,
    `queued ${stats.queued}`,
    `dropped ${stats.dropped}`,
    `errors ${stats.errors}`,
  ]
  return parts.join(" · ")
}

/** What makes two events "the same error" for printing once: the kind and the message, not the delay. */
export const eventKey = (event: DeviceEvent): string | undefined => {
  switch (event.type) {
    case "connect-failed":
    case "connection-lost":
    case "publish-error":
      return `${event.type} ${event.error.message}`
    case "shadow-error":
      return `${event.type} ${event.reason}`
    default:
      return undefined
  }
}

/** A note for an event worth telling once: errors (deduplicated by the caller with eventKey). */
export const eventNote = (event: DeviceEvent): string | undefined => {
  switch (event.type) {
    case "connect-failed":
      return `${event.error.message}${event.retryInMs === undefined ? "; retrying" : `; retrying with backoff (next in ${(event.retryInMs / 1000).toFixed(1)} s)`}`
    case "connection-lost":
      return `${event.error.message}; reconnecting`
    case "publish-error":
      return `publish failed: ${event.error.message}`
    case "shadow-error":
      return `shadow: ${event.reason}`
    default:
      return undefined
  }
}

/** The summary shown when the run ends. */
export const summaryText = (stats: FleetStats, seed: string, target: string): string => {
  const seconds = stats.elapsedMs / 1000
  const lines = [
    `sluice sim: ${stats.devices} device${stats.devices === 1 ? "" : "s"} → ${target}, ${seconds.toFixed(1)} s`,
    `  readings  ${stats.readings} taken, ${stats.sent} sent, ${stats.acked} acknowledged (${seconds > 0 ? (stats.acked / seconds).toFixed(1) : "0"}/s)`,
    `  offline   ${stats.queued} still queued, ${stats.dropped} dropped from full queues, ${stats.dropouts} model dropouts`,
    `  sessions  ${stats.reconnects} reconnects, ${stats.connectFailures} failed connection attempts`,
    `  errors    ${stats.errors}`,
    ...stats.errorSummary.slice(0, 5).map((e) => `    ${e.count} × ${e.message}`),
    `  seed      ${seed} (replay with --seed ${seed})`,
  ]
  return `${lines.join("\n")}\n`
}

/** The summary as one JSON object (`--json`). */
export const summaryJson = (stats: FleetStats, seed: string, target: string): string =>
  `${JSON.stringify({ target, seed, ...stats })}\n`
