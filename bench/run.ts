/**
 * `npm run bench`: every benchmark in one run, each case beside its anchor measured in the same
 * process. Prints a table and writes bench/results.json (with the machine it ran on).
 * `npm run bench -- batching rules` runs only the named suites and writes
 * bench/results.partial.json instead, so the committed record of a whole run is never replaced
 * by a part of one.
 *
 * Benchmarks are not tests: nothing here asserts a time.
 */
import { writeFileSync } from "node:fs"
import { cpus, loadavg, totalmem } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import type { BenchRow } from "./measure.ts"

/** Suite name → module and the function it exports. */
const suites: ReadonlyArray<{ name: string; module: string; fn: string }> = [
  { name: "batching", module: "./batching.ts", fn: "benchBatching" },
  { name: "rules", module: "./rules.ts", fn: "benchRules" },
  { name: "consumer", module: "./consumer.ts", fn: "benchConsumer" },
  { name: "kpl", module: "./kpl.ts", fn: "benchKpl" },
  { name: "streamLog", module: "./streamLog.ts", fn: "benchStreamLog" },
  { name: "lake", module: "./lake.ts", fn: "benchLake" },
  { name: "sim", module: "./sim.ts", fn: "benchSim" },
  { name: "stack", module: "./stack.ts", fn: "benchStack" },
]

const here = dirname(fileURLToPath(import.meta.url))
const loadAtStart = loadavg()[0]
const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith("-"))
const rows: BenchRow[] = []
const missing: string[] = []
/** Wall time of each suite, seconds (kept in results.json: the run must stay short). */
const seconds: Record<string, number> = {}

for (const suite of suites) {
  if (wanted.length > 0 && !wanted.includes(suite.name)) continue
  let mod: Record<string, unknown>
  try {
    mod = (await import(suite.module)) as Record<string, unknown>
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" &&
      String(error).includes(suite.module.slice(2))
    ) {
      missing.push(suite.name)
      continue
    }
    throw error
  }
  const run = mod[suite.fn] as (() => Promise<unknown[]>) | undefined
  if (typeof run !== "function") throw new Error(`${suite.module} does not export ${suite.fn}()`)
  process.stderr.write(`bench: ${suite.name}…\n`)
  const started = performance.now()
  const result = await run()
  rows.push(...(result as BenchRow[]).map((row) => ({ ...row, suite: suite.name })))
  seconds[suite.name] = Math.round((performance.now() - started) / 1000)
  process.stderr.write(`bench: ${suite.name} took ${seconds[suite.name]} s\n`)
}

const fmt = (n: number | undefined) =>
  n === undefined ? "" : n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toPrecision(3)
console.table(
  rows.map((row) => ({
    suite: row.suite,
    case: row.name,
    value: `${fmt(row.value)} ${row.unit}`,
    anchor: row.anchor ? `${row.anchor}: ${fmt(row.anchorValue)}` : "",
    ratio: row.ratio === undefined ? "" : `${row.ratio.toFixed(2)}×`,
    target: row.target ?? "",
  })),
)
if (missing.length > 0) console.log(`not built yet: ${missing.join(", ")}`)

const machine = {
  node: process.version,
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  // 1-minute load averages at the start and the end: above the core count, other work shared the machine.
  loadAverage: { start: loadAtStart, end: loadavg()[0] },
}
const file = wanted.length > 0 ? "results.partial.json" : "results.json"
writeFileSync(
  join(here, file),
  `${JSON.stringify({ at: new Date().toISOString(), machine, seconds, rows }, null, 2)}\n`,
)
console.log(`wrote bench/${file}`)
