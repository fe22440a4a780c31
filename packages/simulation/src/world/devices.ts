/**
 * Simulated devices, as the hands-on device behaves towards the broker: QoS 1 with a
 * persistent session, one message in flight at a time (it publishes, gets its PUBACK, sleeps).
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

/** Sends the outbox in order while the connection holds; returns how many were acknowledged. */
export const sendOutbox = (device: DeviceState, send: Send): number => {
  let acked = 0
  while (device.connected && device.outbox.length > 0) {
    const outcome = send(device.outbox[0] as Message)
    if (outcome === "acked") {
      device.outbox.shift()
      acked++
    } else device.connected = false
  }
  return acked
}

/** Reconnects a device that is not held offline; true when it is connected afterwards. */
export const ensureConnected = (device: DeviceState): boolean => {
  if (!device.held) device.connected = true
  return device.connected
}
