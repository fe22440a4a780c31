/**
 * The local stack end to end (`sluice up`'s pipeline, hands-on rules), beside aedes alone.
 *
 * The same publishers (bench/stackPublishers.ts: MQTT.js, QoS 1, a process of their own) load
 * 1. aedes with no hooks: the broker-only ceiling, PUBACK straight after parsing;
 * 2. the whole stack: PUBACK once the rules appended the reading to three durable streams
 *    (fdatasync'd), then the event-source mapping, `kinesisConsumer` and SQLite (durable
 *    commits) with its projections (aggregates, alerts), plus the lake and search consumers of
 *    the other two streams, all on one event loop.
 * Each broker runs in a fresh process (bench/stackServer.ts) with a fresh data dir.
 *
 * Loads: closed loop (each client keeps a window of publishes in flight, as aedes's sender.js:
 * the most each broker acknowledges), and open loop at fixed offered rates (no coordinated
 * omission) — the first at 5,000 readings/s for latency (publish-to-PUBACK for both,
 * publish-to-stored for the stack, stored = the consumer invocation holding the reading
 * returned after its SQLite commit), then rising by 2,000/s while the stack keeps up (stored ≥
 * 95 % of offered, nothing left unstored, p99 under a second). Last, memory: peak RSS of
 * `sluice up` itself under sustained load (bench/stackMemory.ts). Method: decision 0901.
 *
 * Targets: closed-loop stored/s ≥ 0.5× aedes-alone QoS 1 acked/s with the same publishers; p99
 * publish-to-stored < 250 ms at 5,000/s offered.
 *
 *   npx tsx bench/stack.ts
 *   SLUICE_BENCH_STACK_SECONDS=4 SLUICE_BENCH_STACK_STEPS=1 npx tsx bench/stack.ts   # quick
 *
 * Knobs (env, SLUICE_BENCH_STACK_…): SECONDS (window, default 10), CLIENTS (50), WINDOW (in
 * flight per client in the closed loop, 20), RATE (first open-loop rate, 5000), STEPS (most
 * open-loop rates tried, 4), MEMORY_SECONDS (sustained load for the RSS figure, 30).
 */
import { envList, envNumber } from "./benchEnv.ts"
import { type BenchRow, isMain } from "./measure.ts"
import { drive, type LoadResult } from "./stackLoad.ts"
import { measureStackMemory } from "./stackMemory.ts"
import type { PublisherConfig } from "./stackPublishers.ts"

const env = (name: string, fallback: number) => envNumber(`SLUICE_BENCH_STACK_${name}`, fallback)
const WINDOW_MS = env("SECONDS", 10) * 1000
const CLIENTS = env("CLIENTS", 50)
const IN_FLIGHT = env("WINDOW", 20)
const RATE = env("RATE", 5000)
const STEPS = env("STEPS", 4)
const RATE_STEP = 2000
const MEMORY_SECONDS = env("MEMORY_SECONDS", 30)

const load = (rate: number): Omit<PublisherConfig, "url"> => ({
  clients: CLIENTS,
  window: IN_FLIGHT,
  rate,
  warmupMs: 3_000,
  windowMs: WINDOW_MS,
})

const r = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? "?" : n < 10 ? n.toFixed(1) : Math.round(n)
const describe = (what: string, x: LoadResult) =>
  `${what}: acked ${r(x.ackedPerSec)}/s (PUBACK p50 ${r(x.ackP50Ms)} ms, p99 ${r(x.ackP99Ms)} ms)` +
  (x.storedPerSec === undefined
    ? ""
    : `, stored ${r(x.storedPerSec)}/s (p50 ${r(x.storedP50Ms)} ms, p99 ${r(x.storedP99Ms)} ms, ${x.notStored} not stored)`) +
  `; broker process cpu ${r(x.cpuPercent)} % (${r(x.cpuMicrosPerReading)} µs/reading, ${r(x.systemPercent)} % system), ` +
  `loop busy ${r(100 * x.loopUtilization)} %, peak rss ${r(x.peakRssMiB)} MiB` +
  (x.errors > 0 ? `, ${x.errors} errors` : "")

/** Whether the stack kept up with an offered rate. */
const keptUp = (rate: number, x: LoadResult) =>
  (x.storedPerSec ?? 0) >= 0.95 * rate &&
  x.notStored === 0 &&
  (x.storedP99Ms ?? Number.POSITIVE_INFINITY) < 1_000

export const benchStack = async (): Promise<BenchRow[]> => {
  const log = (line: string) => process.stderr.write(`stack: ${line}\n`)
  // SLUICE_BENCH_STACK_CASES=closed,open,memory runs some of the parts (for profiling).
  const only = envList("SLUICE_BENCH_STACK_CASES")
  const wanted = (part: string) => only === undefined || only.includes(part)
  const closed = `${CLIENTS} clients × ${IN_FLIGHT} in flight`
  const rows: BenchRow[] = []

  let aedesMax: LoadResult | undefined
  if (wanted("closed")) {
    aedesMax = await drive("aedes", load(0))
    log(describe(`aedes alone, ${closed}`, aedesMax))
    const stackMax = await drive("stack", load(0))
    log(describe(`stack, ${closed}`, stackMax))
    const stored = stackMax.storedPerSec ?? 0
    rows.push(
      {
        suite: "stack",
        name: `sluice up end to end, QoS 1, ${closed}: stored in SQLite`,
        unit: "readings/s",
        value: stored,
        anchor: "aedes alone (no hooks), QoS 1 acked, same publishers",
        anchorValue: aedesMax.ackedPerSec,
        ratio: stored / aedesMax.ackedPerSec,
        target: "≥ 0.5×",
        note: `publish-to-stored p50/p99 ${r(stackMax.storedP50Ms)}/${r(stackMax.storedP99Ms)} ms; broker process ${r(stackMax.cpuMicrosPerReading)} µs/reading, loop busy ${r(100 * stackMax.loopUtilization)} % (aedes alone ${r(aedesMax.cpuMicrosPerReading)} µs/reading, ${r(100 * aedesMax.loopUtilization)} %)`,
      },
      {
        suite: "stack",
        name: `sluice up, QoS 1, ${closed}: accepted (PUBACK after 3 durable appends)`,
        unit: "readings/s",
        value: stackMax.ackedPerSec,
        anchor: "aedes alone, QoS 1 acked",
        anchorValue: aedesMax.ackedPerSec,
        ratio: stackMax.ackedPerSec / aedesMax.ackedPerSec,
        note: `PUBACK p50/p99 ${r(stackMax.ackP50Ms)}/${r(stackMax.ackP99Ms)} ms (aedes alone ${r(aedesMax.ackP50Ms)}/${r(aedesMax.ackP99Ms)} ms)`,
      },
    )
  }

  if (wanted("open")) {
    const aedesPaced = await drive("aedes", load(RATE))
    log(describe(`aedes alone, ${RATE}/s offered`, aedesPaced))
    let sustained = 0
    let first: LoadResult | undefined
    for (let step = 0, rate = RATE; step < STEPS; step++, rate += RATE_STEP) {
      const result = await drive("stack", load(rate))
      log(describe(`stack, ${rate}/s offered`, result))
      first ??= result
      if (!keptUp(rate, result)) break
      sustained = rate
    }
    const at = first as LoadResult
    rows.push(
      {
        suite: "stack",
        name: "sluice up end to end, fixed offered rate it keeps up with (open loop)",
        unit: "readings/s",
        value: sustained,
        ...(aedesMax
          ? { anchor: "aedes alone, QoS 1 acked (closed loop)", anchorValue: aedesMax.ackedPerSec }
          : {}),
        ...(aedesMax ? { ratio: sustained / aedesMax.ackedPerSec } : {}),
        note: `highest rate tried (from ${RATE}/s in steps of ${RATE_STEP}/s) with ≥ 95 % stored in the window, all stored, p99 < 1 s; 0 = not even ${RATE}/s`,
      },
      {
        suite: "stack",
        name: `sluice up at ${RATE}/s offered: publish-to-stored p99`,
        unit: "ms",
        value: at.storedP99Ms ?? Number.NaN,
        target: "< 250 ms",
        note: `p50 ${r(at.storedP50Ms)} ms; stored ${r(at.storedPerSec)}/s; loop busy ${r(100 * at.loopUtilization)} %`,
      },
      {
        suite: "stack",
        name: `sluice up at ${RATE}/s offered: publish-to-PUBACK p99`,
        unit: "ms",
        value: at.ackP99Ms,
        anchor: "aedes alone, same load",
        anchorValue: aedesPaced.ackP99Ms,
        ratio: aedesPaced.ackP99Ms / at.ackP99Ms,
        note: `p50 ${r(at.ackP50Ms)} ms (aedes alone ${r(aedesPaced.ackP50Ms)} ms)`,
      },
      {
        suite: "stack",
        name: `sluice up at ${RATE}/s offered: CPU per reading (all threads)`,
        unit: "µs",
        value: at.cpuMicrosPerReading,
        anchor: "aedes alone, same load",
        anchorValue: aedesPaced.cpuMicrosPerReading,
        ratio: aedesPaced.cpuMicrosPerReading / at.cpuMicrosPerReading,
        note: `${r(at.cpuPercent)} % of a core, ${r(at.systemPercent)} % of it in the kernel`,
      },
    )
  }

  if (wanted("memory")) rows.push(...(await measureStackMemory({ rate: RATE, seconds: MEMORY_SECONDS, log })))
  return rows
}

if (isMain(import.meta.url)) console.table(await benchStack())
