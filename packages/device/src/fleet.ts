/**
 * A fleet: N hands-on devices in one process, each its own MQTT session.
 *
 *   const fleet = startFleet({ broker: "mqtt://127.0.0.1:1883", devices: 100, interval: 1 })
 *   … fleet.stats() …
 *   await fleet.stop()
 *
 * Starts are staggered over `rampUpMs` (default one interval) so the fleet's readings are
 * spread evenly over each second instead of arriving in a burst, at most `maxConnecting`
 * handshakes run at once, and one shared scheduler bounds how much work runs per turn of the
 * event loop (scheduler.ts). Everything is created before anything starts, so a bad name,
 * model or certificate throws from `startFleet` with nothing left running.
 *
 * Transport: `transport` if given, else AWS IoT Core when `endpoint` is set, else MQTT.js to
 * `broker` (default mqtt://localhost:1883, the broker `sluice up` runs).
 */
import { type Clock, systemClock } from "./clock.ts"
import { ConnectGate } from "./connectGate.ts"
import { type Device, type DeviceEvent, startDevice } from "./device.ts"
import type { DeviceStats } from "./deviceStats.ts"
import {
  DEFAULT_BROKER,
  DEFAULT_MAX_CONNECTING,
  DEFAULT_NAME_PREFIX,
  type FleetOptions,
  fleetOptionProblems,
  InvalidFleetOptions,
  MAX_DEFAULT_RAMP_UP_MS,
  type ModelChoice,
} from "./fleetOptions.ts"
import { ErrorTally, type FleetStats, sumDeviceStats } from "./fleetStats.ts"
import { type ModelSpec, parseModel } from "./models/spec.ts"
import { Scheduler } from "./scheduler.ts"
import { SHADOW_DEFAULT_WAIT_TIME_S } from "./shadow.ts"
import { assertThingName, fleetDeviceNames } from "./thingName.ts"
import { awsIotTransport } from "./transport/awsIot.ts"
import { mqttJsTransport } from "./transport/mqttJs.ts"
import type { TransportFactory } from "./transport/transport.ts"

export interface Fleet {
  readonly names: ReadonlyArray<string>
  readonly seed: string | number
  /** Where the devices connect, for messages. */
  readonly target: string
  readonly stats: () => FleetStats
  readonly deviceStats: (name: string) => DeviceStats | undefined
  /** Stops every device: waits up to `drainMs` (default 2000) for PUBACKs, then disconnects. */
  readonly stop: (drainMs?: number) => Promise<FleetStats>
}

/** The transport factory the options ask for. */
export const transportFromOptions = (options: FleetOptions): TransportFactory => {
  if (options.transport) return options.transport
  const common = {
    ...(options.backoff ? { backoff: options.backoff } : {}),
    seed: options.seed ?? 0,
  }
  if (options.endpoint !== undefined) {
    return awsIotTransport({
      endpoint: options.endpoint,
      certificates: options.certificates ?? { certsDir: "certs" },
      ...common,
    })
  }
  return mqttJsTransport({
    url: options.broker ?? DEFAULT_BROKER,
    ...(options.certificates ? { certificates: options.certificates } : {}),
    ...common,
  })
}

const modelFor = (
  choice: ModelChoice | undefined,
  name: string,
  index: number,
): ModelSpec | string | undefined => {
  if (choice === undefined || typeof choice === "string") return choice
  if (typeof choice === "function") return choice(name, index)
  if (Array.isArray(choice)) return choice.length === 0 ? undefined : choice[index % choice.length]
  return choice as ModelSpec
}

export const startFleet = (options: FleetOptions = {}): Fleet => {
  const problems = fleetOptionProblems(options)
  if (problems.length > 0) throw new InvalidFleetOptions(problems)
  const names = options.names
    ? options.names.map(assertThingName)
    : fleetDeviceNames(options.namePrefix ?? DEFAULT_NAME_PREFIX, options.devices ?? 1)
  if (new Set(names).size !== names.length)
    throw new InvalidFleetOptions(["names: two devices share a name (a client id)"])
  const seed = options.seed ?? 0
  const interval = options.interval ?? SHADOW_DEFAULT_WAIT_TIME_S
  const clock: Clock = options.clock ?? systemClock
  const factory = transportFromOptions(options)
  // Parse models and make transports before any device starts: a bad one throws with nothing running.
  const models = names.map((name, index) => {
    const model = modelFor(options.model, name, index)
    return typeof model === "string" ? parseModel(model) : model
  })
  const transports = names.map((name) => factory(name))
  const scheduler = new Scheduler(
    clock,
    options.sliceSize === undefined ? {} : { sliceSize: options.sliceSize },
  )
  const gate = new ConnectGate(options.maxConnecting ?? DEFAULT_MAX_CONNECTING)
  const rampUpMs = options.rampUpMs ?? Math.min(MAX_DEFAULT_RAMP_UP_MS, interval * 1000)
  const errors = new ErrorTally()
  const onEvent = (event: DeviceEvent) => {
    if ("error" in event) errors.add(event.device, event.error.message)
    else if (event.type === "shadow-error") errors.add(event.device, event.reason)
    options.onEvent?.(event)
  }
  const startedAt = clock.now()
  const devices: Device[] = names.map((name, index) =>
    startDevice({
      name,
      transport: transports[index]!,
      waitTime: interval,
      ...(models[index] === undefined ? {} : { model: models[index] }),
      seed,
      ...(options.sequence === undefined ? {} : { sequence: options.sequence }),
      clock,
      scheduler,
      ...(options.queueLimit === undefined ? {} : { queueLimit: options.queueLimit }),
      ...(options.utcOffsetMinutes === undefined ? {} : { utcOffsetMinutes: options.utcOffsetMinutes }),
      startAt: startedAt + Math.floor((index * rampUpMs) / names.length),
      connectGate: gate,
      onEvent,
    }),
  )
  const byName = new Map(devices.map((device) => [device.name, device]))
  let stopping: Promise<FleetStats> | undefined
  const stats = () =>
    sumDeviceStats(
      devices.map((device) => device.stats()),
      errors.summary(),
      clock.now() - startedAt,
    )
  return {
    names,
    seed,
    target: transports[0]?.target ?? "",
    stats,
    deviceStats: (name) => byName.get(name)?.stats(),
    stop: (drainMs = 2_000) => {
      stopping ??= Promise.all(devices.map((device) => device.stop(drainMs))).then(() => {
        scheduler.clear()
        return stats()
      })
      return stopping
    },
  }
}
