/**
 * A fleet's progress: its devices' counters summed, plus the distinct errors seen (bounded,
 * so ten thousand devices failing the same way make one line with a count, not ten thousand).
 */
import type { DeviceStats } from "./deviceStats.ts"

export interface ErrorCount {
  readonly message: string
  readonly count: number
  /** The device that saw it last. */
  readonly device: string
}

export interface FleetStats {
  readonly devices: number
  readonly connected: number
  readonly readings: number
  readonly dropouts: number
  readonly sent: number
  readonly acked: number
  readonly failed: number
  readonly inFlight: number
  readonly queued: number
  readonly dropped: number
  readonly reconnects: number
  readonly connectFailures: number
  readonly errors: number
  /** Distinct error messages, most frequent first. */
  readonly errorSummary: ReadonlyArray<ErrorCount>
  /** Milliseconds since the fleet started (clock time). */
  readonly elapsedMs: number
}

export const sumDeviceStats = (
  all: ReadonlyArray<DeviceStats>,
  errorSummary: ReadonlyArray<ErrorCount>,
  elapsedMs: number,
): FleetStats => {
  let connected = 0
  let readings = 0
  let dropouts = 0
  let sent = 0
  let acked = 0
  let failed = 0
  let inFlight = 0
  let queued = 0
  let dropped = 0
  let reconnects = 0
  let connectFailures = 0
  let errors = 0
  for (const s of all) {
    if (s.connected) connected++
    readings += s.readings
    dropouts += s.dropouts
    sent += s.sent
    acked += s.acked
    failed += s.failed
    inFlight += s.inFlight
    queued += s.queued
    dropped += s.dropped
    reconnects += s.reconnects
    connectFailures += s.connectFailures
    errors += s.errors
  }
  return {
    devices: all.length,
    connected,
    readings,
    dropouts,
    sent,
    acked,
    failed,
    inFlight,
    queued,
    dropped,
    reconnects,
    connectFailures,
    errors,
    errorSummary,
    elapsedMs,
  }
}

/** Distinct error messages with counts; at most `limit` kinds are kept (the rest are counted as "other"). */
export class ErrorTally {
  private readonly counts = new Map<string, { count: number; device: string }>()
  private other = 0

  constructor(private readonly limit = 20) {}

  add(device: string, message: string): void {
    const entry = this.counts.get(message)
    if (entry) {
      entry.count++
      entry.device = device
    } else if (this.counts.size < this.limit) this.counts.set(message, { count: 1, device })
    else this.other++
  }

  summary(): ReadonlyArray<ErrorCount> {
    const rows = [...this.counts].map(([message, { count, device }]) => ({ message, count, device }))
    if (this.other > 0) rows.push({ message: "other errors", count: this.other, device: "" })
    return rows.sort((a, b) => b.count - a.count)
  }
}
