/**
 * What a device has done so far, as counters the device bumps on its hot path and a frozen
 * snapshot for readers. A fleet sums its devices' snapshots (fleetStats.ts).
 *
 * Accounting, per device: `readings = dropouts + sent + queued + dropped` while running, and
 * `sent = acked + failed + inFlight` — every reading taken is either skipped by the model,
 * handed to the transport, waiting offline, or dropped from a full queue, each counted.
 */
import type { OfflineQueue } from "./offlineQueue.ts"

export interface DeviceStats {
  readonly name: string
  readonly connected: boolean
  /** Readings taken (a dropout counts; its SEQ is used). */
  readonly readings: number
  /** Readings not sent because the model dropped them. */
  readonly dropouts: number
  /** Readings handed to the transport (QoS 1 publishes). */
  readonly sent: number
  /** Publishes the broker acknowledged (PUBACK). */
  readonly acked: number
  /** Publishes the transport gave up on (only when stopping). */
  readonly failed: number
  /** Sent, not yet acknowledged. */
  readonly inFlight: number
  /** Readings waiting offline. */
  readonly queued: number
  /** Readings dropped from a full offline queue. */
  readonly dropped: number
  readonly reconnects: number
  readonly connectFailures: number
  /** Errors of any kind (connection, shadow, publish). */
  readonly errors: number
  readonly lastError: string | undefined
  /** Current `wait_time`, seconds. */
  readonly waitTime: number
}

export class DeviceCounters {
  connected = false
  readings = 0
  dropouts = 0
  sent = 0
  acked = 0
  failed = 0
  reconnects = 0
  connectFailures = 0
  errors = 0
  lastError: string | undefined = undefined

  constructor(
    readonly name: string,
    public waitTime: number,
    private readonly queue: OfflineQueue<unknown>,
  ) {}

  snapshot(): DeviceStats {
    return {
      name: this.name,
      connected: this.connected,
      readings: this.readings,
      dropouts: this.dropouts,
      sent: this.sent,
      acked: this.acked,
      failed: this.failed,
      inFlight: this.sent - this.acked - this.failed,
      queued: this.queue.length,
      dropped: this.queue.dropped,
      reconnects: this.reconnects,
      connectFailures: this.connectFailures,
      errors: this.errors,
      lastError: this.lastError,
      waitTime: this.waitTime,
    }
  }
}
