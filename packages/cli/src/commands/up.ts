/**
 * `sluice up`: the whole pipeline on this machine — broker, shadows, rules, stream, consumer,
 * table, lake, search index, dashboard and (optionally) simulated devices — until SIGINT or
 * SIGTERM, which drains everything and exits 0.
 */
import { type Command, UsageError } from "../command.ts"
import { StackConfigError, startStack } from "../stack/stack.ts"
import { DEFAULT_STACK_OPTIONS, type StackOptions } from "../stack/stackOptions.ts"

const integer = (name: string, raw: unknown): number => {
  const value = Number(raw)
  if (typeof raw !== "string" || raw.trim() === "" || !Number.isInteger(value)) {
    throw new UsageError(`--${name} must be an integer, got '${String(raw)}'`)
  }
  return value
}
const positive = (name: string, raw: unknown): number => {
  const value = Number(raw)
  if (typeof raw !== "string" || !Number.isFinite(value) || value <= 0)
    throw new UsageError(`--${name} must be a positive number, got '${String(raw)}'`)
  return value
}

const statusLine = (s: ReturnType<Awaited<ReturnType<typeof startStack>>["status"]>) =>
  `received ${s.received} · stored ${s.stored} · in the lake ${s.delivered} · dead letters ${s.deadLettered} · in flight ${s.inFlight} · lag ${s.lagMs} ms · ${s.throughputPerSec.toFixed(1)}/s · clients ${s.connectedClients}`

export const upCommand: Command = {
  path: ["up"],
  summary: "run the whole pipeline on this machine (broker, rules, stream, table, lake, dashboard)",
  description: [
    "Starts, in one process: an MQTT broker that acknowledges a QoS 1 publish only once it is durably",
    "stored; the classic device shadow; the rules engine (the hands-on rules, or --rules FILE); the",
    "stream log; the Kinesis consumer writing to SQLite; the lake (gzip JSON lines, queryable with",
    "`sluice query`); a search index; and the dashboard. Data lives in --data-dir and survives",
    "restarts. Ctrl-C drains in-flight work, writes the lake buffers and exits.",
    "",
    "Point devices at it:  npx sluice sim --broker mqtt://127.0.0.1:1883 --devices 10",
  ].join("\n"),
  options: {
    devices: {
      type: "string",
      valueName: "N",
      description: "simulated devices started in-process",
      default: "0",
    },
    "data-dir": {
      type: "string",
      valueName: "DIR",
      description: "where the stack keeps its data",
      default: DEFAULT_STACK_OPTIONS.dataDir,
    },
    "mqtt-port": {
      type: "string",
      valueName: "P",
      description: "MQTT port (0 = any free port)",
      default: String(DEFAULT_STACK_OPTIONS.mqttPort),
    },
    "http-port": {
      type: "string",
      valueName: "Q",
      description: "dashboard port (0 = any free port)",
      default: String(DEFAULT_STACK_OPTIONS.httpPort),
    },
    rules: {
      type: "string",
      valueName: "FILE",
      description: "rules file in the TopicRulePayload shape (default: the hands-on rules)",
    },
    host: {
      type: "string",
      valueName: "ADDR",
      description: "address to bind; anything but loopback requires --token and MQTT credentials",
      default: DEFAULT_STACK_OPTIONS.host,
    },
    token: {
      type: "string",
      valueName: "T",
      description: "dashboard token, required with --host (or SLUICE_TOKEN)",
    },
    "mqtt-username": {
      type: "string",
      valueName: "U",
      description: "require this MQTT username (with --mqtt-password)",
    },
    "mqtt-password": {
      type: "string",
      valueName: "P",
      description: "require this MQTT password (or SLUICE_MQTT_PASSWORD)",
    },
    policy: {
      type: "string",
      valueName: "open|device",
      description: "device: each client may publish only to data/<its client id> and its shadow",
      default: "open",
    },
    seed: { type: "string", valueName: "K", description: "seed of the simulated devices' readings" },
    sequence: {
      type: "boolean",
      description: "simulated devices add a SEQ field (two readings in one second stay distinct)",
    },
    interval: {
      type: "string",
      valueName: "S",
      description: "simulated devices' default wait_time in seconds",
      default: "5",
    },
    "name-prefix": {
      type: "string",
      valueName: "P",
      description: "simulated devices are named <P>1 … <P>N",
      default: "device-",
    },
    "lake-interval": {
      type: "string",
      valueName: "S",
      description: "lake buffer interval in seconds (Firehose's buffering hint)",
      default: "60",
    },
    "lake-size": {
      type: "string",
      valueName: "MiB",
      description: "lake buffer size in MiB (Firehose's buffering hint)",
      default: "5",
    },
    "search-documents": {
      type: "string",
      valueName: "N",
      description: "readings the dashboard's search keeps in memory, newest first (≈ 250 bytes each)",
      default: String(DEFAULT_STACK_OPTIONS.searchDocuments),
    },
    "sqlite-cache": {
      type: "string",
      valueName: "MiB",
      description: "page cache of each SQLite database (table, projections, dead letters)",
      default: String(DEFAULT_STACK_OPTIONS.sqliteCacheMiB),
    },
  },
  examples: [
    "sluice up --devices 5",
    "sluice up --data-dir /tmp/demo --mqtt-port 0 --http-port 0",
    "sluice up --rules rules/hands-on.rules.json --lake-interval 10",
    "sluice up --search-documents 20000 --sqlite-cache 2   # a smaller footprint",
  ],
  run: async ({ values, io }) => {
    const policy = values.policy
    if (policy !== "open" && policy !== "device")
      throw new UsageError(`--policy must be open or device, got '${String(policy)}'`)
    const username = values["mqtt-username"] as string | undefined
    const password = (values["mqtt-password"] as string | undefined) ?? io.env.SLUICE_MQTT_PASSWORD
    if ((username === undefined) !== (password === undefined))
      throw new UsageError("give both --mqtt-username and --mqtt-password, or neither")
    const token = (values.token as string | undefined) ?? io.env.SLUICE_TOKEN
    const interactive = process.stderr.isTTY === true
    const options: StackOptions = {
      dataDir: values["data-dir"] as string,
      host: values.host as string,
      mqttPort: integer("mqtt-port", values["mqtt-port"]),
      httpPort: integer("http-port", values["http-port"]),
      devices: integer("devices", values.devices),
      interval: positive("interval", values.interval),
      namePrefix: values["name-prefix"] as string,
      policy,
      searchDocuments: integer("search-documents", values["search-documents"]),
      sqliteCacheMiB: positive("sqlite-cache", values["sqlite-cache"]),
      lakeBufferHints: {
        intervalMs: positive("lake-interval", values["lake-interval"]) * 1000,
        sizeBytes: Math.round(positive("lake-size", values["lake-size"]) * 1024 * 1024),
      },
      ...(values.rules === undefined ? {} : { rulesFile: values.rules as string }),
      ...(values.seed === undefined ? {} : { seed: values.seed as string }),
      ...(values.sequence ? { sequence: true } : {}),
      ...(token === undefined ? {} : { token }),
      ...(username === undefined || password === undefined ? {} : { credentials: { username, password } }),
      log: (line) => io.stderr(`${line}\n`),
    }
    let stack: Awaited<ReturnType<typeof startStack>>
    try {
      stack = await startStack(options)
    } catch (error) {
      if (error instanceof StackConfigError) throw new UsageError(error.message)
      const code = (error as NodeJS.ErrnoException).code
      if (code === "EADDRINUSE") {
        io.stderr(
          `sluice up: ${(error as Error).message} — another program uses that port; pick one with --mqtt-port/--http-port (0 = any free port)\n`,
        )
        return 1
      }
      throw error
    }
    const dashboard = token ? `${stack.dashboardUrl}?token=${encodeURIComponent(token)}` : stack.dashboardUrl
    io.stdout(
      `sluice up: the pipeline is running\n  dashboard  ${dashboard}\n  mqtt       ${stack.mqttUrl}\n  data       ${stack.dataDir}\n`,
    )
    if (stack.fleet)
      io.stdout(`  devices    ${stack.fleet.names.length} simulated (${stack.fleet.names[0]} …)\n`)
    io.stdout(
      `Point devices at it: npx sluice sim --broker ${stack.mqttUrl} --devices 10\nCtrl-C stops it.\n`,
    )

    const progress = setInterval(
      () =>
        io.stderr(interactive ? `\r\x1b[2K${statusLine(stack.status())}` : `${statusLine(stack.status())}\n`),
      interactive ? 1_000 : 10_000,
    )
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once("SIGINT", () => resolve("SIGINT"))
      process.once("SIGTERM", () => resolve("SIGTERM"))
    })
    clearInterval(progress)
    io.stderr(`${interactive ? "\n" : ""}sluice up: ${signal} — draining (a second Ctrl-C forces exit)\n`)
    const force = () => process.exit(130)
    process.once("SIGINT", force)
    process.once("SIGTERM", force)
    await stack.stop()
    io.stderr(`sluice up: stopped cleanly (${statusLine(stack.status())})\n`)
    return 0
  },
}
