/**
 * `npm run soak -- --minutes N --rate R`: the local stack under steady load, watched over time.
 *
 * Starts `sluice up` as a child process (`node packages/cli/bin/sluice.mjs up`, fresh data
 * dir, free ports, a 10 s lake interval, a search index of 20,000 readings) — so its memory is
 * measured alone — and drives it with
 * `--publishers` MQTT.js clients publishing hands-on readings (with SEQ) at R readings/s in all,
 * QoS 1. Every `--every` seconds it prints one line: the stack's RSS (from /proc), readings
 * published, acknowledged and stored with their rates, in flight, the consumer's lag, dead
 * letters. At the end publishers stop, the stack must catch up, and a summary follows.
 *
 * Exit 1 (loudly) when:
 * - memory grows without bound: after a warm-up (the first quarter of the run, at least 30 s,
 *   and 8 samples at least), RSS rises steadily — a least-squares slope above 1 MiB/min with
 *   R² ≥ 0.8, where garbage collection's sawtooth keeps R² low — or it grew by more than
 *   max(64 MiB, 50 %) from the end of warm-up to the end, steady or not;
 * - the stack does not catch up within 60 s after the load stops (every acknowledged reading
 *   stored), or any publish was refused.
 *
 * `--in-process` runs the stack in this process instead (RSS then includes the publishers).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { parseArgs } from "node:util"
import mqtt, { type MqttClient } from "mqtt"

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "1" },
    rate: { type: "string", default: "100" },
    publishers: { type: "string", default: "10" },
    every: { type: "string", default: "10" },
    "in-process": { type: "boolean", default: false },
  },
})
const number = (name: string, raw: string | undefined, min: number) => {
  const value = Number(raw)
  if (!Number.isFinite(value) || value < min) {
    process.stderr.write(`soak: --${name} must be a number ≥ ${min}, got '${raw}'\n`)
    process.exit(2)
  }
  return value
}
const minutes = number("minutes", values.minutes, 0.1)
const rate = number("rate", values.rate, 1)
const publishers = Math.round(number("publishers", values.publishers, 1))
const everyMs = number("every", values.every, 1) * 1000
const MiB = 1024 * 1024
/**
 * The dashboard's search index is bounded (200,000 readings by default, ~33 min at 100/s): the
 * soak sets a bound it reaches in its warm-up, so what it then measures is whether memory levels
 * off, not a cache that is still filling. SQLite's page caches are bounded too (4 MiB each).
 */
const SEARCH_DOCUMENTS = 20_000

interface Status {
  received: number
  stored: number
  deadLettered: number
  inFlight: number
  lagMs: number
}

interface Sample {
  readonly atMs: number
  readonly rssBytes: number
  readonly status: Status
  readonly published: number
  readonly acked: number
}

const rssOf = (pid: number): number => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
  return match ? Number(match[1]) * 1024 : 0
}

/** Starts the stack (child process or in-process); resolves with its URLs, its pid and a stop. */
const startTheStack = async (dataDir: string) => {
  if (values["in-process"]) {
    const { startStack } = await import("../packages/cli/src/stack/stack.ts")
    const stack = await startStack({
      dataDir,
      host: "127.0.0.1",
      mqttPort: 0,
      httpPort: 0,
      devices: 0,
      searchDocuments: SEARCH_DOCUMENTS,
      lakeBufferHints: { sizeBytes: 5 * MiB, intervalMs: 10_000 },
    })
    return { dashboardUrl: stack.dashboardUrl, mqttUrl: stack.mqttUrl, pid: process.pid, stop: stack.stop }
  }
  const bin = resolve(import.meta.dirname, "../packages/cli/bin/sluice.mjs")
  const child: ChildProcess = spawn(
    process.execPath,
    [
      bin,
      "up",
      ...["--data-dir", dataDir, "--mqtt-port", "0", "--http-port", "0", "--lake-interval", "10"],
      ...["--search-documents", String(SEARCH_DOCUMENTS)],
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  )
  let out = ""
  child.stdout?.on("data", (chunk) => {
    out += chunk
  })
  child.stderr?.on("data", () => {})
  const started = Date.now()
  while (!/mqtt\s+(mqtt:\/\/\S+)/.test(out)) {
    if (child.exitCode !== null || Date.now() - started > 60_000)
      throw new Error(`sluice up did not start:\n${out}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  const dashboardUrl = (/dashboard\s+(http:\/\/\S+)/.exec(out) as RegExpExecArray)[1] as string
  const mqttUrl = (/mqtt\s+(mqtt:\/\/\S+)/.exec(out) as RegExpExecArray)[1] as string
  const stop = async () => {
    child.kill("SIGINT")
    await new Promise((r) => child.once("close", r))
  }
  return { dashboardUrl, mqttUrl, pid: child.pid as number, stop }
}

const pad = (n: number) => String(n).padStart(2, "0")
const timestamp = (ms: number) => {
  const d = new Date(ms)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
}

/** Least-squares slope of y over x, and R² of the fit. */
const linearFit = (points: ReadonlyArray<readonly [number, number]>) => {
  const n = points.length
  if (n < 2) return { slope: 0, r2: 0 }
  const mx = points.reduce((s, [x]) => s + x, 0) / n
  const my = points.reduce((s, [, y]) => s + y, 0) / n
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0)
  const syy = points.reduce((s, [, y]) => s + (y - my) ** 2, 0)
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0)
  return { slope: sxx === 0 ? 0 : sxy / sxx, r2: sxx === 0 || syy === 0 ? 0 : (sxy * sxy) / (sxx * syy) }
}

const percentile = (values: ReadonlyArray<number>, p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

const dataDir = await mkdtemp(join(tmpdir(), "sluice-soak-"))
const stack = await startTheStack(join(dataDir, "data"))
const status = async (): Promise<Status> =>
  (await (await fetch(new URL("/api/status", stack.dashboardUrl))).json()) as Status

let published = 0
let acked = 0
let refused = 0
const clients: MqttClient[] = []
for (let i = 0; i < publishers; i++)
  clients.push(await mqtt.connectAsync(stack.mqttUrl, { clientId: `soak-${i + 1}`, clean: false }))
const seq = new Array<number>(publishers).fill(0)
const perTick = rate / 10
let owed = 0
let next = 0
const publisher = setInterval(() => {
  owed += perTick
  const now = Date.now()
  for (; owed >= 1; owed--) {
    const i = next++ % publishers
    const name = `soak-${i + 1}`
    const payload = `{"DEVICE_NAME":"${name}","TIMESTAMP":"${timestamp(now)}","TEMPERATURE":${15 + ((seq[i] as number) % 11)},"HUMIDITY":${40 + ((seq[i] as number) % 21)},"SEQ":${seq[i]}}`
    seq[i] = (seq[i] as number) + 1
    published++
    ;(clients[i] as MqttClient).publishAsync(`data/${name}`, payload, { qos: 1 }).then(
      () => acked++,
      () => refused++,
    )
  }
}, 100)

const runMs = minutes * 60_000
const started = Date.now()
const samples: Sample[] = []
process.stdout.write(
  `soak: sluice up (${values["in-process"] ? "in-process" : `pid ${stack.pid}`}) · ${rate} readings/s from ${publishers} MQTT.js publishers · ${minutes} min\n`,
)
const line = (s: Sample, previous: Sample | undefined) => {
  const seconds = previous === undefined ? s.atMs / 1000 : (s.atMs - previous.atMs) / 1000
  const storedRate = (s.status.stored - (previous?.status.stored ?? 0)) / seconds
  const ackRate = (s.acked - (previous?.acked ?? 0)) / seconds
  return `t=${String(Math.round(s.atMs / 1000)).padStart(5)}s  rss ${(s.rssBytes / MiB).toFixed(1).padStart(6)} MiB  published ${s.published}  acked ${s.acked} (${ackRate.toFixed(1)}/s)  stored ${s.status.stored} (${storedRate.toFixed(1)}/s)  in flight ${s.status.inFlight}  lag ${s.status.lagMs} ms  dead ${s.status.deadLettered}`
}
while (Date.now() - started < runMs) {
  await new Promise((r) => setTimeout(r, Math.min(everyMs, runMs - (Date.now() - started))))
  const sample: Sample = {
    atMs: Date.now() - started,
    rssBytes: rssOf(stack.pid),
    status: await status(),
    published,
    acked,
  }
  process.stdout.write(`${line(sample, samples.at(-1))}\n`)
  samples.push(sample)
}
clearInterval(publisher)

// Catch up: every acknowledged reading stored, within a bound.
const drainStart = Date.now()
let final = await status()
while (final.stored < acked && Date.now() - drainStart < 60_000) {
  await new Promise((r) => setTimeout(r, 250))
  final = await status()
}
const caughtUpMs = Date.now() - drainStart
for (const client of clients) await client.endAsync()
await stack.stop()
await rm(dataDir, { recursive: true, force: true })

const warmupMs = Math.max(30_000, runMs / 4)
const steady = samples.filter((s) => s.atMs >= warmupMs)
const baseline = steady[0]?.rssBytes ?? samples[0]?.rssBytes ?? 0
const last = samples.at(-1)?.rssBytes ?? 0
const trend = linearFit(steady.map((s) => [s.atMs / 60_000, s.rssBytes / MiB] as const))
const slopeMiBPerMin = trend.slope
const growthMiB = (last - baseline) / MiB
const steadyRise = steady.length >= 8 && slopeMiBPerMin > 1 && trend.r2 >= 0.8
const unbounded = steadyRise || growthMiB > Math.max(64, (0.5 * baseline) / MiB)
const lags = samples.map((s) => s.status.lagMs)
const seconds = (samples.at(-1)?.atMs ?? runMs) / 1000
const problems = [
  ...(unbounded
    ? [
        `RSS grows without bound: ${slopeMiBPerMin.toFixed(2)} MiB/min after warm-up, +${growthMiB.toFixed(1)} MiB`,
      ]
    : []),
  ...(final.stored < acked
    ? [`the stack did not catch up: ${acked - final.stored} acknowledged readings not stored after 60 s`]
    : []),
  ...(refused > 0 ? [`${refused} publishes were refused`] : []),
]
process.stdout.write(
  [
    `summary: ${seconds.toFixed(0)} s at ${rate}/s — published ${published}, acknowledged ${acked}, stored ${final.stored}, dead letters ${final.deadLettered}`,
    `  throughput: ${(acked / seconds).toFixed(1)} acknowledged/s, ${(final.stored / seconds).toFixed(1)} stored/s; caught up ${(caughtUpMs / 1000).toFixed(1)} s after the load stopped`,
    `  lag: p50 ${percentile(lags, 50)} ms, p95 ${percentile(lags, 95)} ms, max ${Math.max(0, ...lags)} ms`,
    `  rss: ${(Math.min(...samples.map((s) => s.rssBytes)) / MiB).toFixed(1)} MiB min, ${(baseline / MiB).toFixed(1)} MiB after warm-up, ${(Math.max(...samples.map((s) => s.rssBytes)) / MiB).toFixed(1)} MiB max, ${(last / MiB).toFixed(1)} MiB at the end; slope after warm-up ${slopeMiBPerMin.toFixed(2)} MiB/min (R² ${trend.r2.toFixed(2)})`,
    problems.length === 0
      ? "  verdict: memory bounded, caught up, nothing refused"
      : `  FAILED: ${problems.join("; ")}`,
  ]
    .map((text) => `${text}\n`)
    .join(""),
)
process.exit(problems.length === 0 ? 0 : 1)
