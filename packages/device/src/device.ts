/**
 * The hands-on device, one MQTT session: connect, shadow `wait_time`, then publish a reading
 * to `data/<name>` and sleep `wait_time`, forever.
 *
 * Order of events, as in the hands-on: connect (client id = name, persistent session,
 * keep-alive 300 s); the shadow's start sequence (shadowClient.ts); then the loop — one
 * reading at once, the next `wait_time` after it. A `wait_time` change (get answer or delta)
 * applies from the next sleep, as with the hands-on's `time.sleep`. Readings fall due every
 * `wait_time` from the first: a loaded event loop delays a reading but does not stretch the
 * period (decision 0205). Against a broker without shadows nobody answers `get` and the
 * default stays; deltas published by anyone are still honoured.
 *
 * Disconnected, readings go to a bounded offline queue (oldest dropped and counted) and are
 * sent in order after reconnecting; publishes already handed to the transport are its to
 * resend, so below the bound nothing is lost. Readings start only after the first connection,
 * as the hands-on blocks on its first connect.
 */
import { type Clock, systemClock } from "./clock.ts"
import type { ConnectGate } from "./connectGate.ts"
import { DeviceCounters, type DeviceStats } from "./deviceStats.ts"
import { makeSensor, type Sensor } from "./models/sensor.ts"
import { HANDS_ON_MODEL, type ModelSpec, parseModel } from "./models/spec.ts"
import { OfflineQueue } from "./offlineQueue.ts"
import { seededRandom } from "./random.ts"
import { dataTopic, encodeReading } from "./reading.ts"
import { Scheduler } from "./scheduler.ts"
import { SHADOW_DEFAULT_WAIT_TIME_S, waitTimeProblem } from "./shadow.ts"
import { shadowClient } from "./shadowClient.ts"
import { assertThingName } from "./thingName.ts"
import { formatDeviceTimestamp } from "./timestamp.ts"
import type { Transport } from "./transport/transport.ts"

/** Readings a device keeps while offline, by default. */
export const DEFAULT_QUEUE_LIMIT = 1_000

export type DeviceEvent =
  | {
      readonly type: "connected"
      readonly device: string
      readonly reconnect: boolean
      readonly sessionPresent: boolean
    }
  | {
      readonly type: "connect-failed"
      readonly device: string
      readonly error: Error
      readonly retryInMs: number | undefined
    }
  | { readonly type: "connection-lost"; readonly device: string; readonly error: Error }
  | {
      readonly type: "wait-time"
      readonly device: string
      readonly waitTime: number
      readonly source: string
      readonly reported: boolean
    }
  | { readonly type: "shadow-error"; readonly device: string; readonly reason: string }
  | { readonly type: "publish-error"; readonly device: string; readonly error: Error }
  | { readonly type: "dropped"; readonly device: string; readonly payload: string }

export interface DeviceOptions {
  /** Client id, DEVICE_NAME and thing name; must be a valid AWS IoT thing name. */
  readonly name: string
  readonly transport: Transport
  /** Default `wait_time` in seconds, and what a null delta resets to. Default 5. */
  readonly waitTime?: number
  /** Sensor model (text like `walk+spikes` or a spec). Default the hands-on's uniform model. */
  readonly model?: ModelSpec | string
  /** Seed of every random value; the same seed gives the same readings. Default 0. */
  readonly seed?: string | number
  /** Add `SEQ` (also `seq` in the model). */
  readonly sequence?: boolean
  readonly clock?: Clock
  /** Shared by a fleet; a device alone makes its own. */
  readonly scheduler?: Scheduler
  /** Offline queue bound. Default 1000. */
  readonly queueLimit?: number
  /** Fixed zone of TIMESTAMP, in minutes east of UTC; default the host's zone. */
  readonly utcOffsetMinutes?: number
  /** Clock time at which to start connecting (staggered starts). Default now. */
  readonly startAt?: number
  readonly connectGate?: ConnectGate
  readonly onEvent?: (event: DeviceEvent) => void
}

export interface Device {
  readonly name: string
  readonly stats: () => DeviceStats
  /** Stops publishing, waits up to `drainMs` (default 2000) for PUBACKs, disconnects. */
  readonly stop: (drainMs?: number) => Promise<DeviceStats>
}

/** Starts one device. Throws at once on a bad name, model or wait time. */
export const startDevice = (options: DeviceOptions): Device => {
  const name = assertThingName(options.name)
  const defaultWaitTime = options.waitTime ?? SHADOW_DEFAULT_WAIT_TIME_S
  const waitProblem = waitTimeProblem(defaultWaitTime)
  if (waitProblem) throw new RangeError(`interval: ${waitProblem.replace("wait_time ", "")}`)
  const spec =
    typeof options.model === "string" ? parseModel(options.model) : (options.model ?? HANDS_ON_MODEL)
  const clock = options.clock ?? systemClock
  const scheduler = options.scheduler ?? new Scheduler(clock)
  const transport = options.transport
  const emit = options.onEvent ?? (() => {})
  const topic = dataTopic(name)
  const sequence = options.sequence === true || spec.sequence === true
  const sensor: Sensor = makeSensor(spec, {
    random: (purpose) => seededRandom(options.seed ?? 0, `${name}/${purpose}`),
    ...(options.utcOffsetMinutes === undefined ? {} : { utcOffsetMinutes: options.utcOffsetMinutes }),
  })
  const queue = new OfflineQueue<string>(options.queueLimit ?? DEFAULT_QUEUE_LIMIT)
  const counters = new DeviceCounters(name, defaultWaitTime, queue)
  let stopped = false
  let looping = false
  let releaseGate: (() => void) | undefined
  let next: { cancel: () => void } | undefined
  let seq = 0
  let began = false

  const fail = (error: Error) => {
    counters.errors++
    counters.lastError = error.message
  }

  const shadow = shadowClient({
    name,
    transport,
    defaultWaitTime,
    adopt: (waitTime) => {
      counters.waitTime = waitTime
    },
    fail,
    emit,
  })

  const send = (payload: string) => {
    counters.sent++
    transport.publish(topic, payload).then(
      () => {
        counters.acked++
      },
      (error: Error) => {
        counters.failed++
        fail(error)
        emit({ type: "publish-error", device: name, error })
      },
    )
  }

  /** One reading: generated now, sent or queued; undefined payload for a dropout. */
  const takeReading = () => {
    const deviceNow = clock.now() + sensor.skewMs
    const number = seq++
    counters.readings++
    const values = sensor.read(deviceNow)
    if (!values) {
      counters.dropouts++
      return
    }
    const payload = encodeReading({
      DEVICE_NAME: name,
      TIMESTAMP: formatDeviceTimestamp(deviceNow, options.utcOffsetMinutes),
      TEMPERATURE: values.temperature,
      HUMIDITY: values.humidity,
      ...(sequence ? { SEQ: number } : {}),
    })
    if (counters.connected) send(payload)
    else {
      const dropped = queue.push(payload)
      if (dropped !== undefined) emit({ type: "dropped", device: name, payload: dropped })
    }
  }

  /** When the current reading was due: the cadence is kept on these, not on when ticks ran. */
  let due: number | undefined
  const tick = () => {
    if (stopped) return
    takeReading()
    const now = clock.now()
    const period = counters.waitTime * 1000
    // On cadence while the process keeps up (lateness does not pile into the period); a tick
    // later than a whole period restarts the cadence rather than publishing twice in a row.
    due = due === undefined || due + period < now ? now + period : due + period
    next = scheduler.at(due, tick)
  }

  const begin = () => {
    if (stopped) return
    began = true
    transport.start({
      onConnect: ({ sessionPresent, reconnect }) => {
        releaseGate?.()
        counters.connected = true
        if (reconnect) counters.reconnects++
        emit({ type: "connected", device: name, reconnect, sessionPresent })
        for (let payload = queue.shift(); payload !== undefined; payload = queue.shift()) send(payload)
        if (!looping) {
          looping = true
          shadow.start().then(tick)
        }
      },
      onConnectionLost: (error) => {
        counters.connected = false
        fail(error)
        emit({ type: "connection-lost", device: name, error })
      },
      onConnectFailed: (error, retryInMs) => {
        releaseGate?.()
        counters.connectFailures++
        fail(error)
        emit({ type: "connect-failed", device: name, error, retryInMs })
      },
      onMessage: shadow.onMessage,
    })
  }

  const admit = () => {
    startEntry = undefined
    if (!options.connectGate) return begin()
    options.connectGate.acquire().then((release) => {
      releaseGate = release
      if (stopped) release()
      else begin()
    })
  }
  let startEntry: { cancel: () => void } | undefined
  if (options.startAt === undefined || options.startAt <= clock.now()) admit()
  else startEntry = scheduler.at(options.startAt, admit)

  return {
    name,
    stats: () => counters.snapshot(),
    stop: async (drainMs = 2_000) => {
      if (!stopped) {
        stopped = true
        startEntry?.cancel()
        next?.cancel()
        releaseGate?.()
        if (began) await transport.stop(drainMs)
        counters.connected = false
      }
      return counters.snapshot()
    },
  }
}
