/**
 * Simulated devices, as the hands-on device behaves towards the broker: QoS 1 with a
 * persistent session, one message in flight at a time (it publishes, gets its PUBACK, sleeps) —
 * or a window of several, as a device flushing its offline queue sends them.
 *
 * Each device keeps an outbox of messages published but not acknowledged, oldest first. While
 * connected it sends the outbox head and waits for its PUBACK; a refusal or a lost PUBACK
 * closes the connection, and on reconnecting the device resends the outbox in order — which is
 * how a message the broker made durable but never acknowledged arrives twice. A device is
 * taken offline by a `disconnect` command until `reconnect`; a connection the broker or a crash
 * closed comes back on its own at the device's next publish.
 *
 * A device's clock may be skewed (`skew`): its TIMESTAMP is its own time, which is what makes
 * readings arrive out of time order and share a second.
 */
import { formatDeviceTimestamp } from "@sluice/device"
import type { DeviceSpec } from "../scenario.ts"
import type { Message } from "./ledger.ts"

export interface DeviceState {
  readonly spec: DeviceSpec
  readonly index: number
  connected: boolean
  /** Kept offline by a `disconnect` command until `reconnect`. */
  held: boolean
  skewMs: number
  nextSeq: number
  /** Published and not yet acknowledged, oldest first. */
  readonly outbox: Message[]
}

export const makeDevices = (specs: ReadonlyArray<DeviceSpec>): DeviceState[] =>
  specs.map((spec, index) => ({
    spec,
    index,
    connected: true,
    held: false,
    skewMs: 0,
    nextSeq: 0,
    outbox: [],
  }))

/** The device's TIMESTAMP now: its own (skewed) clock, in UTC, seconds. */
export const deviceTimestamp = (device: DeviceState, nowMs: number): string =>
  formatDeviceTimestamp(nowMs + device.skewMs, 0)

export type Send = (message: Message) => "acked" | "ackLost" | "refused"

/**
 * Sends the outbox in order while the connection holds; returns how many were acknowledged.
 * With a window above 1 the device sends that many before waiting, as MQTT.js does. When the
 * broker refuses one, it refuses the rest of that connection's messages too and closes it; when
 * a PUBACK is lost, the broker still made the later ones durable but their PUBACKs are lost as
 * well, so they are sent again.
 */
export const sendOutbox = (device: DeviceState, send: Send, window = 1): number => {
  let acked = 0
  while (device.connected && device.outbox.length > 0) {
    const inFlight = device.outbox.slice(0, Math.max(1, window))
    let done = 0
    let closed = false
    let refused = false
    for (const message of inFlight) {
      // The broker refuses every later message of a connection one of whose messages it could
      // not store (cli/src/stack/broker.ts), so none of them can overtake the refused one.
      if (refused) {
        closed = true
        continue
      }
      const outcome = send(message)
      if (outcome === "refused") refused = true
      if (outcome === "acked" && !closed) done++
      else closed = true
    }
    device.outbox.splice(0, done)
    acked += done
    if (closed) device.connected = false
  }
  return acked
}

/** Reconnects a device that is not held offline; true when it is connected afterwards. */
export const ensureConnected = (device: DeviceState): boolean => {
  if (!device.held) device.connected = true
  return device.connected
}
