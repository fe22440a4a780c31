/**
 * The port between a device and its broker: one MQTT session per device, QoS 1 only.
 *
 * A transport connects with the device's name as client id, a persistent session and a
 * 300 s keep-alive (the hands-on's settings), and keeps reconnecting — with exponential,
 * jittered backoff — until stopped, reporting every failed attempt so an unreachable broker
 * is visible. Publishes handed to it are its responsibility from then on: acknowledged
 * (PUBACK) or resent after a reconnect, never dropped. Readings produced while it is down
 * wait in the device's bounded offline queue instead (offlineQueue.ts).
 *
 * Two adapters: MQTT.js for any broker (mqttJs.ts) and aws-iot-device-sdk-v2 for AWS IoT
 * Core (awsIot.ts).
 */

export interface ConnectInfo {
  /** The broker still had this client's session (subscriptions and queued messages). */
  readonly sessionPresent: boolean
  /** Not the first connection of this transport. */
  readonly reconnect: boolean
}

export interface ConnectionEvents {
  /** The session is up, for the first time or again. */
  readonly onConnect: (info: ConnectInfo) => void
  /** An established connection was lost; the transport is already retrying. */
  readonly onConnectionLost: (error: Error) => void
  /** A connection attempt failed; the next starts after `retryInMs` (when the transport knows). */
  readonly onConnectFailed: (error: Error, retryInMs: number | undefined) => void
  /** A message on a subscribed topic. */
  readonly onMessage: (topic: string, payload: Uint8Array) => void
}

export interface Transport {
  /** Where it connects, for messages (`mqtt://127.0.0.1:1883`, `aws-iot://…:8883`). */
  readonly target: string
  /** Starts connecting; call once. */
  readonly start: (events: ConnectionEvents) => void
  /** Publishes at QoS 1; resolves at the broker's PUBACK (after resends if the connection drops). */
  readonly publish: (topic: string, payload: string) => Promise<void>
  /** Subscribes at QoS 1; resolves at SUBACK. Subscriptions are restored after a lost session. */
  readonly subscribe: (topics: ReadonlyArray<string>) => Promise<void>
  /** Waits up to `drainMs` for unacknowledged publishes, then disconnects; no reconnects after. */
  readonly stop: (drainMs?: number) => Promise<void>
}

/** Makes the transport of one device. */
export type TransportFactory = (deviceName: string) => Transport

/** MQTT keep-alive of the hands-on device, in seconds. */
export const HANDS_ON_KEEPALIVE_S = 300
