/**
 * The options of a fleet and their checks.
 *
 * The scalar settings are checked with an Effect Schema (effect 4) so every problem is
 * reported at once, each with its option's name — the CLI shows them as usage errors; library
 * callers get an `InvalidFleetOptions` listing them. Names, models and certificates have
 * checks of their own (thingName.ts, models/spec.ts, transport/certificates.ts).
 */
import { Schema } from "effect"
import type { Clock } from "./clock.ts"
import type { DeviceEvent } from "./device.ts"
import type { ModelSpec } from "./models/spec.ts"
import { SHADOW_MAX_WAIT_TIME_S } from "./shadow.ts"
import { parseEndpoint } from "./transport/awsIot.ts"
import type { BackoffOptions } from "./transport/backoff.ts"
import type { CertificateOptions } from "./transport/certificates.ts"
import { brokerUrlProblem } from "./transport/mqttJs.ts"
import type { TransportFactory } from "./transport/transport.ts"

/** Default device name prefix: `device-1`, `device-2`, … */
export const DEFAULT_NAME_PREFIX = "device-"
/** Default broker: the local one `sluice up` runs. */
export const DEFAULT_BROKER = "mqtt://localhost:1883"
/** Connection attempts in flight at once. */
export const DEFAULT_MAX_CONNECTING = 100
/** Upper bound of devices per process: beyond the ephemeral ports one host can use per broker. */
export const MAX_DEVICES = 100_000
/** Longest default ramp-up; starts spread over one interval, at most this. */
export const MAX_DEFAULT_RAMP_UP_MS = 60_000

export type ModelChoice =
  | string
  | ModelSpec
  /** Assigned round-robin: device n gets entry (n - 1) mod length. */
  | ReadonlyArray<string | ModelSpec>
  | ((name: string, index: number) => string | ModelSpec)

export interface FleetOptions {
  /** Broker URL, `mqtt://…` or `mqtts://…`. Default mqtt://localhost:1883. */
  readonly broker?: string
  /** AWS IoT Core endpoint (`host[:port]`): selects the aws-iot-device-sdk-v2 transport. */
  readonly endpoint?: string
  /** Root CA, certificate, key or a certs directory (hands-on layout). */
  readonly certificates?: CertificateOptions
  /** Bring your own transport (tests, other protocols). Overrides broker and endpoint. */
  readonly transport?: TransportFactory
  /** How many devices. Default 1. */
  readonly devices?: number
  /** Devices are `<prefix>1` … `<prefix>N`. Default "device-". */
  readonly namePrefix?: string
  /** Exact names instead of prefix and count. */
  readonly names?: ReadonlyArray<string>
  /** Default wait_time in seconds (what a null delta resets to). Default 5. */
  readonly interval?: number
  /** Seed of every random value. Default 0. */
  readonly seed?: string | number
  readonly model?: ModelChoice
  /** Add the SEQ field to every device's readings. */
  readonly sequence?: boolean
  /** Offline queue bound per device. Default 1000. */
  readonly queueLimit?: number
  /** Spread of device starts, ms. Default one interval, at most a minute. */
  readonly rampUpMs?: number
  /** Connection attempts in flight at once. Default 100. */
  readonly maxConnecting?: number
  /** Scheduled tasks per event-loop turn. Default 200. */
  readonly sliceSize?: number
  readonly backoff?: BackoffOptions
  /** Fixed zone of TIMESTAMP, minutes east of UTC. Default the host's zone. */
  readonly utcOffsetMinutes?: number
  readonly clock?: Clock
  readonly onEvent?: (event: DeviceEvent) => void
}

const count = (minimum: number, maximum: number) =>
  Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum, maximum })))

const FleetSettings = Schema.Struct({
  broker: Schema.optionalKey(Schema.String),
  endpoint: Schema.optionalKey(Schema.String),
  devices: count(1, MAX_DEVICES),
  namePrefix: Schema.optionalKey(Schema.String),
  interval: Schema.optionalKey(
    Schema.Finite.check(
      Schema.isBetween({ minimum: 0, maximum: SHADOW_MAX_WAIT_TIME_S, exclusiveMinimum: true }),
    ),
  ),
  seed: Schema.optionalKey(Schema.Union([Schema.String, Schema.Finite])),
  sequence: Schema.optionalKey(Schema.Boolean),
  queueLimit: count(0, 10_000_000),
  rampUpMs: Schema.optionalKey(Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))),
  maxConnecting: count(1, MAX_DEVICES),
  sliceSize: count(1, 1_000_000),
  utcOffsetMinutes: Schema.optionalKey(
    Schema.Int.check(Schema.isBetween({ minimum: -14 * 60, maximum: 14 * 60 })),
  ),
  backoff: Schema.optionalKey(
    Schema.Struct({
      initialMs: Schema.optionalKey(Schema.Finite.check(Schema.isGreaterThan(0))),
      maxMs: Schema.optionalKey(Schema.Finite.check(Schema.isGreaterThan(0))),
    }),
  ),
})

export class InvalidFleetOptions extends Error {
  override readonly name = "InvalidFleetOptions"
  constructor(readonly problems: ReadonlyArray<string>) {
    super(problems.join("; "))
  }
}

const validator = Schema.toStandardSchemaV1(FleetSettings)["~standard"]

/** Every problem with the scalar options, as `option: what is wrong (got value)`. */
export const fleetOptionProblems = (options: FleetOptions): ReadonlyArray<string> => {
  const {
    transport: _t,
    clock: _c,
    onEvent: _e,
    model: _m,
    names: _n,
    certificates: _cert,
    ...settings
  } = options
  const outcome = validator.validate(settings)
  if (outcome instanceof Promise) throw new Error("fleet options have no asynchronous checks")
  const problems = (outcome.issues ?? []).map((issue) => {
    const path = (issue.path ?? []).map((p) => String(typeof p === "object" && p !== null ? p.key : p))
    const value = path.reduce<unknown>(
      (at, key) => (at as Record<string, unknown> | undefined)?.[key],
      settings,
    )
    return `${path.join(".")}: ${issue.message} (got ${JSON.stringify(value)})`
  })
  if (typeof options.broker === "string") {
    const problem = brokerUrlProblem(options.broker)
    if (problem) problems.push(`broker: ${problem}`)
  }
  if (typeof options.endpoint === "string") {
    try {
      parseEndpoint(options.endpoint)
    } catch (error) {
      problems.push(`endpoint: ${(error as Error).message}`)
    }
  }
  if (options.broker !== undefined && options.endpoint !== undefined) {
    problems.push("broker and endpoint: give one (a broker URL, or an AWS IoT Core endpoint), not both")
  }
  return problems
}
