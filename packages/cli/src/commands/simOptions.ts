/**
 * `sluice sim` options: the option table (which also generates `--help`) and its conversion
 * into `startFleet` options.
 *
 * Every problem found is reported at once as one UsageError (exit 2): numbers that are not
 * numbers, values out of range (checked by the device package's schema, named here by their
 * flags), unknown models, invalid device names, unusable certificates — all before any
 * device starts.
 */
import {
  CertificateError,
  type CertificateOptions,
  checkCertificateFiles,
  DEFAULT_BROKER,
  DEFAULT_MAX_CONNECTING,
  DEFAULT_NAME_PREFIX,
  DEFAULT_QUEUE_LIMIT,
  type FleetOptions,
  fleetOptionProblems,
  InvalidModel,
  parseModel,
  randomSeed,
  resolveCertificateFiles,
  SHADOW_DEFAULT_WAIT_TIME_S,
  thingNameProblem,
} from "@sluice/device"
import { type OptionSpec, type OptionValues, UsageError } from "../command.ts"

export const simOptions: Readonly<Record<string, OptionSpec>> = {
  broker: {
    type: "string",
    valueName: "URL",
    description: `MQTT broker: mqtt://host[:1883] or mqtts://host[:8883] (default ${DEFAULT_BROKER}, unless --endpoint)`,
  },
  endpoint: {
    type: "string",
    valueName: "HOST[:PORT]",
    description:
      "AWS IoT Core endpoint (…-ats.iot.<region>.amazonaws.com); connects with aws-iot-device-sdk-v2 and mutual TLS",
  },
  devices: {
    type: "string",
    valueName: "N",
    description: "how many devices to simulate, each its own MQTT session",
    default: "1",
  },
  "name-prefix": {
    type: "string",
    valueName: "P",
    description: "devices are named <P>1 … <P>N (client id, DEVICE_NAME and thing name)",
    default: DEFAULT_NAME_PREFIX,
  },
  "device-name": {
    type: "string",
    valueName: "NAME",
    description: "the exact name of a single device, like the hands-on's --device_name (implies --devices 1)",
  },
  interval: {
    type: "string",
    valueName: "S",
    description: "seconds between readings: the default wait_time, and what a null shadow delta resets to",
    default: String(SHADOW_DEFAULT_WAIT_TIME_S),
  },
  duration: {
    type: "string",
    valueName: "S",
    description: "stop after S seconds (default: run until Ctrl-C)",
  },
  seed: {
    type: "string",
    valueName: "K",
    description:
      "seed of every random value: the same seed gives the same readings (default: random, printed)",
  },
  model: {
    type: "string",
    valueName: "M",
    multiple: true,
    description:
      "sensor model: uniform | walk | sine | decay, plus +spikes +stuck +dropouts +skew +seq (e.g. walk+spikes:0.02); repeat to assign models round-robin",
    default: "uniform",
  },
  seq: {
    type: "boolean",
    description: "add a SEQ field (0, 1, 2, … per device) so readings in one second stay distinct",
  },
  "queue-limit": {
    type: "string",
    valueName: "N",
    description: "readings a device keeps while disconnected; beyond it the oldest are dropped and counted",
    default: String(DEFAULT_QUEUE_LIMIT),
  },
  "ramp-up": {
    type: "string",
    valueName: "S",
    description: "spread device starts over S seconds (default: one interval, at most 60)",
  },
  "max-connecting": {
    type: "string",
    valueName: "N",
    description: "connection handshakes in flight at once",
    default: String(DEFAULT_MAX_CONNECTING),
  },
  "root-ca": {
    type: "string",
    valueName: "FILE",
    description: "root CA (PEM) to trust, e.g. AmazonRootCA1.pem",
  },
  cert: {
    type: "string",
    valueName: "FILE",
    description: "device certificate (PEM), e.g. …-certificate.pem.crt",
  },
  private: {
    type: "string",
    valueName: "FILE",
    description: "device private key (PEM), e.g. …-private.pem.key",
  },
  "certs-dir": {
    type: "string",
    valueName: "DIR",
    description:
      "hands-on layout: files whose names contain AmazonRootCA1.pem, certificate, private (a subdirectory per device wins; default ./certs with --endpoint)",
  },
  "utc-offset": {
    type: "string",
    valueName: "MIN",
    description: "device time zone for TIMESTAMP, minutes east of UTC (default: this machine's zone)",
  },
  progress: {
    type: "string",
    valueName: "WHEN",
    description: "live progress on stderr: auto (when stderr is a terminal), always, never",
    default: "auto",
  },
  json: { type: "boolean", description: "print the final summary as one JSON object on stdout" },
}

/** Fleet options plus what only the command uses. */
export interface SimSettings {
  readonly fleet: FleetOptions
  readonly seed: string
  readonly durationSeconds: number | undefined
  readonly progress: "auto" | "always" | "never"
  readonly json: boolean
}

const FLAG_OF: Readonly<Record<string, string>> = {
  devices: "--devices",
  interval: "--interval",
  queueLimit: "--queue-limit",
  rampUpMs: "--ramp-up",
  maxConnecting: "--max-connecting",
  utcOffsetMinutes: "--utc-offset",
  broker: "--broker",
  endpoint: "--endpoint",
}

const str = (values: OptionValues, name: string): string | undefined => {
  const value = values[name]
  return typeof value === "string" ? value : undefined
}

/** Converts the parsed flags; throws one UsageError listing every problem. */
export const simSettings = (values: OptionValues, cwd: string): SimSettings => {
  const problems: string[] = []
  const number = (name: string): number | undefined => {
    const text = str(values, name)
    if (text === undefined) return undefined
    const n = Number(text)
    if (text.trim() === "" || !Number.isFinite(n)) {
      problems.push(`--${name}: expected a number, got ${JSON.stringify(text)}`)
      return undefined
    }
    return n
  }
  const deviceName = str(values, "device-name")
  const devices = number("devices")
  const interval = number("interval")
  const duration = number("duration")
  const rampUp = number("ramp-up")
  const queueLimit = number("queue-limit")
  const maxConnecting = number("max-connecting")
  const utcOffset = number("utc-offset")
  if (duration !== undefined && duration <= 0)
    problems.push(`--duration: expected a number of seconds above 0, got ${duration}`)
  if (deviceName !== undefined) {
    const problem = thingNameProblem(deviceName)
    if (problem) problems.push(`--device-name: ${problem}`)
    if (devices !== undefined && devices !== 1)
      problems.push("--device-name names one device; drop --devices")
  } else {
    const prefix = str(values, "name-prefix") ?? DEFAULT_NAME_PREFIX
    const problem = thingNameProblem(`${prefix}${Math.max(1, Math.floor(devices ?? 1))}`)
    if (problem) problems.push(`--name-prefix: ${problem}`)
  }
  const models = ((values.model as ReadonlyArray<string> | string | undefined) ?? ["uniform"]) as
    | ReadonlyArray<string>
    | string
  for (const model of typeof models === "string" ? [models] : models) {
    try {
      parseModel(model)
    } catch (error) {
      if (error instanceof InvalidModel) problems.push(`--model: ${error.message}`)
      else throw error
    }
  }
  const progress = str(values, "progress") ?? "auto"
  if (progress !== "auto" && progress !== "always" && progress !== "never") {
    problems.push(`--progress: expected auto, always or never, got ${JSON.stringify(progress)}`)
  }
  const certificates: CertificateOptions = Object.fromEntries(
    [
      ["rootCa", str(values, "root-ca")],
      ["cert", str(values, "cert")],
      ["privateKey", str(values, "private")],
      ["certsDir", str(values, "certs-dir")],
    ].filter(([, value]) => value !== undefined),
  )
  const endpoint = str(values, "endpoint")
  const broker = str(values, "broker")
  const hasCertificates = Object.keys(certificates).length > 0
  if (broker?.startsWith("mqtt://") && hasCertificates) {
    problems.push("certificate options need TLS: use an mqtts:// broker URL (or --endpoint for AWS IoT Core)")
  }
  const seed = str(values, "seed") ?? randomSeed()
  const fleet: FleetOptions = {
    ...(broker === undefined ? {} : { broker }),
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(endpoint !== undefined
      ? { certificates: hasCertificates ? certificates : { certsDir: `${cwd}/certs` } }
      : {}),
    ...(endpoint === undefined && hasCertificates ? { certificates } : {}),
    ...(deviceName === undefined
      ? { devices: devices ?? 1, namePrefix: str(values, "name-prefix") ?? DEFAULT_NAME_PREFIX }
      : { names: [deviceName] }),
    ...(interval === undefined ? {} : { interval }),
    seed,
    model: typeof models === "string" ? [models] : models,
    ...(values.seq === true ? { sequence: true } : {}),
    ...(queueLimit === undefined ? {} : { queueLimit }),
    ...(rampUp === undefined ? {} : { rampUpMs: rampUp * 1000 }),
    ...(maxConnecting === undefined ? {} : { maxConnecting }),
    ...(utcOffset === undefined ? {} : { utcOffsetMinutes: utcOffset }),
  }
  for (const problem of fleetOptionProblems(fleet)) {
    const [field = "", ...rest] = problem.split(": ")
    const flag = FLAG_OF[field.split(" ")[0] ?? ""]
    problems.push(
      flag && !field.includes(" and ")
        ? `${flag}: ${rest.join(": ")}`
        : problem.replace("broker and endpoint", "--broker and --endpoint"),
    )
  }
  if (problems.length === 0 && fleet.certificates) {
    try {
      const first = deviceName ?? `${str(values, "name-prefix") ?? DEFAULT_NAME_PREFIX}1`
      checkCertificateFiles(
        resolveCertificateFiles(
          fleet.certificates,
          first,
          endpoint === undefined ? [] : ["cert", "privateKey"],
        ),
      )
    } catch (error) {
      if (error instanceof CertificateError) problems.push(error.message)
      else throw error
    }
  }
  if (problems.length > 0) throw new UsageError(problems.join("\n  "))
  return {
    fleet,
    seed,
    durationSeconds: duration,
    progress: progress as SimSettings["progress"],
    json: values.json === true,
  }
}
