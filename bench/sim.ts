/**
 * How many simulated devices one process sustains at one reading per second each.
 *
 * For each fleet size the bench starts a broker — mosquitto (a separate process, as in
 * production; the default) or aedes in this process — starts the fleet with
 * `interval: 1`, waits until every device is connected, then measures a steady window:
 * readings acknowledged per second (PUBACK from the broker) against the target of one per
 * device per second, this process's CPU (100 % = one core) and RSS, the broker's CPU, and
 * the event loop's delay. A size "holds" when at least 98 % of the target is acknowledged and
 * nothing is queued or dropped.
 *
 *   npx tsx bench/sim.ts                       # 1000, 5000, 10000 devices against mosquitto
 *   npx tsx bench/sim.ts 10000 15000 --aedes   # sizes of your choice, in-process aedes
 *
 * Where the limit comes from is printed with the results (see also
 * docs/decisions/0209-fleet-limit.md).
 */
import { readFileSync } from "node:fs"
import { createServer, type Server } from "node:net"
import { loadavg } from "node:os"
import { monitorEventLoopDelay } from "node:perf_hooks"
import { startFleet } from "@sluice/device"
import { mosquittoBinary, startMosquitto } from "@sluice/testkit"
import { envList, envNumber } from "./benchEnv.ts"
import { type BenchRow, isMain } from "./measure.ts"

export interface SimBenchRow {
  readonly broker: "mosquitto" | "aedes"
  readonly devices: number
  readonly connected: number
  readonly connectSeconds: number
  readonly targetPerSecond: number
  readonly ackedPerSecond: number
  readonly percentOfTarget: number
  readonly queued: number
  readonly dropped: number
  readonly errors: number
  /** This process, % of one core. */
  readonly processCpuPercent: number
  /** CPU time this process spent per acknowledged reading: the cost that sets the limit, and
   * far less sensitive to other work on the machine than the rate itself. */
  readonly cpuMicrosPerReading: number
  /** One core's worth of readings per second at that cost (1e6 / cpuMicrosPerReading). */
  readonly projectedPerCore: number
  /** The broker process (mosquitto only), % of one core. */
  readonly brokerCpuPercent: number | undefined
  readonly rssMiB: number
  readonly eventLoopDelayP99Ms: number
  /** The machine's 1-minute load average at the end of the window: above 2, other work shared these 2 cores. */
  readonly loadAverage: number
  readonly holds: boolean
}

export interface SimBenchOptions {
  readonly sizes?: ReadonlyArray<number>
  readonly broker?: "mosquitto" | "aedes"
  /** Length of the measured window, seconds. Default 15. */
  readonly windowSeconds?: number
  readonly log?: (line: string) => void
}

const CLOCK_TICKS_PER_SECOND = 100 // Linux USER_HZ, the unit of /proc/<pid>/stat times

const processCpuSeconds = (pid: number | undefined): number | undefined => {
  if (pid === undefined) return undefined
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? []
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND // utime + stime
  } catch {
    return undefined
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const startBroker = async (kind: "mosquitto" | "aedes") => {
  if (kind === "mosquitto") {
    const broker = await startMosquitto({ extraConfig: ["max_connections -1", "max_inflight_messages 100"] })
    return { url: broker.url, pid: () => broker.pid, stop: () => broker.stop() }
  }
  const { Aedes } = await import("aedes")
  const aedes = await Aedes.createBroker()
  const server: Server = createServer(aedes.handle)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as { port: number }).port
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pid: () => undefined,
    stop: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()))
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

const measure = async (
  kind: "mosquitto" | "aedes",
  devices: number,
  windowSeconds: number,
): Promise<SimBenchRow> => {
  const broker = await startBroker(kind)
  const fleet = startFleet({
    broker: broker.url,
    devices,
    interval: 1,
    seed: "bench",
    rampUpMs: 1_000,
    backoff: { initialMs: 500 },
  })
  const connectStart = Date.now()
  const connectDeadline = connectStart + 180_000
  while (fleet.stats().connected < devices && Date.now() < connectDeadline) await sleep(200)
  const connectSeconds = (Date.now() - connectStart) / 1000
  await sleep(3_000) // let the first readings' phases settle
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  const before = fleet.stats()
  const cpuBefore = process.cpuUsage()
  const brokerCpuBefore = processCpuSeconds(broker.pid())
  const wallBefore = Date.now()
  await sleep(windowSeconds * 1000)
  const wall = (Date.now() - wallBefore) / 1000
  const after = fleet.stats()
  const cpu = process.cpuUsage(cpuBefore)
  const brokerCpuAfter = processCpuSeconds(broker.pid())
  loop.disable()
  const rssMiB = process.memoryUsage().rss / 2 ** 20
  await fleet.stop(1_000)
  await broker.stop()
  const ackedPerSecond = (after.acked - before.acked) / wall
  const percentOfTarget = (100 * ackedPerSecond) / devices
  return {
    broker: kind,
    devices,
    connected: after.connected,
    connectSeconds,
    targetPerSecond: devices,
    ackedPerSecond: Math.round(ackedPerSecond),
    percentOfTarget: Math.round(percentOfTarget * 10) / 10,
    queued: after.queued,
    dropped: after.dropped,
    errors: after.errors,
    processCpuPercent: Math.round((100 * (cpu.user + cpu.system)) / 1e6 / wall),
    cpuMicrosPerReading: Math.round((cpu.user + cpu.system) / Math.max(1, after.acked - before.acked)),
    projectedPerCore: Math.round(
      (1e6 * Math.max(1, after.acked - before.acked)) / Math.max(1, cpu.user + cpu.system),
    ),
    brokerCpuPercent:
      brokerCpuBefore === undefined || brokerCpuAfter === undefined
        ? undefined
        : Math.round((100 * (brokerCpuAfter - brokerCpuBefore)) / wall),
    rssMiB: Math.round(rssMiB),
    eventLoopDelayP99Ms: Math.round(loop.percentile(99) / 1e6),
    loadAverage: Math.round((loadavg()[0] ?? 0) * 10) / 10,
    holds: after.connected === devices && percentOfTarget >= 98 && after.queued === 0 && after.dropped === 0,
  }
}

/** Runs the fleet benchmark and returns one detailed row per size. */
export async function measureFleets(options: SimBenchOptions = {}): Promise<ReadonlyArray<SimBenchRow>> {
  const kind = options.broker ?? (mosquittoBinary() ? "mosquitto" : "aedes")
  const sizes = options.sizes ?? [1_000, 5_000, 10_000]
  const log = options.log ?? (() => {})
  const rows: SimBenchRow[] = []
  for (const devices of sizes) {
    log(`sim: ${devices} devices against ${kind}…`)
    const row = await measure(kind, devices, options.windowSeconds ?? 15)
    log(
      `sim: ${devices} devices: ${row.connected} connected in ${row.connectSeconds.toFixed(1)} s, ` +
        `${row.ackedPerSecond}/s acked of ${row.targetPerSecond}/s (${row.percentOfTarget} %), ` +
        `cpu ${row.processCpuPercent} % (broker ${row.brokerCpuPercent ?? "in-process"} %), ${row.cpuMicrosPerReading} µs/reading ` +
        `(≈ ${row.projectedPerCore}/s per core), rss ${row.rssMiB} MiB, ` +
        `loop p99 ${row.eventLoopDelayP99Ms} ms, load ${row.loadAverage} → ${row.holds ? "holds" : "does not hold"}`,
    )
    rows.push(row)
  }
  return rows
}

/**
 * For `npm run bench`: readings acknowledged per second at each fleet size (one reading per
 * device per second), beside AWS IoT Device Simulator's cap of 100 devices per simulation.
 */
export async function benchSim(options: SimBenchOptions = {}): Promise<BenchRow[]> {
  // Quick runs: SLUICE_BENCH_SIM_SIZES=500,1000 SLUICE_BENCH_SIM_SECONDS=5.
  const sizes = envList("SLUICE_BENCH_SIM_SIZES")
    ?.map(Number)
    .filter((n) => n > 0)
  const rows = await measureFleets({
    log: (line) => process.stderr.write(`${line}\n`),
    ...(sizes && sizes.length > 0 ? { sizes } : {}),
    windowSeconds: envNumber("SLUICE_BENCH_SIM_SECONDS", 15),
    ...options,
  })
  const held = rows.filter((row) => row.holds).map((row) => row.devices)
  const perProcess = held.length > 0 ? Math.max(...held) : 0
  const summary: BenchRow = {
    suite: "sim",
    name: "simulated devices per process at 1 reading/s (largest fleet that holds)",
    unit: "devices",
    value: perProcess,
    anchor: "AWS IoT Device Simulator (per simulation)",
    anchorValue: 100,
    ratio: perProcess / 100,
    target: "10,000",
    note: `fleets tried: ${rows.map((row) => `${row.devices}${row.holds ? " ✓" : " ✗"}`).join(", ")}; holds = ≥ 98 % of readings acked, none queued or dropped`,
  }
  const perSize = rows.map(
    (row): BenchRow => ({
      suite: "sim",
      name: `${row.devices} devices at 1 reading/s (${row.broker})`,
      unit: "readings/s acked",
      value: row.ackedPerSecond,
      anchor: "AWS IoT Device Simulator (100 devices at 1/s)",
      anchorValue: 100,
      ratio: row.ackedPerSecond / 100,
      target: `${row.targetPerSecond}/s`,
      note:
        `${row.percentOfTarget} % of target, cpu ${row.processCpuPercent} % of a core (${row.cpuMicrosPerReading} µs/reading), ` +
        `broker ${row.brokerCpuPercent ?? "in-process"} %, ` +
        `rss ${row.rssMiB} MiB, loop p99 ${row.eventLoopDelayP99Ms} ms, load ${row.loadAverage}${row.holds ? "" : " — does not hold"}`,
    }),
  )
  return [summary, ...perSize]
}

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2)
  const sizes = args.filter((arg) => /^\d+$/.test(arg)).map(Number)
  const broker = args.includes("--aedes") ? "aedes" : args.includes("--mosquitto") ? "mosquitto" : undefined
  const rows = await measureFleets({
    ...(sizes.length > 0 ? { sizes } : {}),
    ...(broker ? { broker } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  })
  console.table(rows)
}
