/**
 * `npm run sim`: the deterministic simulation from the command line.
 *
 *     npm run sim -- --seeds 1000            # seeds 1…1000, progress and a summary
 *     npm run sim -- --seeds 5000 --from 20000
 *     npm run sim -- --seed 4711             # replay one seed: its scenario, its result, shrunk if it fails
 *
 * Options: `--max-commands M` (scenario length, default 80), `--no-shrink` (report failures
 * unshrunk, faster). Exits 1 when any seed fails, after printing each failure shrunk to a small
 * counterexample with the command that replays it; 2 on a bad option.
 */
import { parseArgs } from "node:util"
import { formatFailure, runSeed, type SeedOutcome } from "./explore.ts"
import { addOutcome, emptyTotals, formatTotals } from "./summary.ts"

const usage = "usage: npm run sim -- [--seeds N] [--from S] [--seed S] [--max-commands M] [--no-shrink]"

const integer = (name: string, raw: string | undefined, fallback: number, min: number): number => {
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!Number.isSafeInteger(value) || value < min) {
    process.stderr.write(`sim: --${name} must be an integer ≥ ${min}, got '${raw}'\n${usage}\n`)
    process.exit(2)
  }
  return value
}

let parsed: ReturnType<typeof parseArgs>
try {
  parsed = parseArgs({
    options: {
      seeds: { type: "string" },
      from: { type: "string" },
      seed: { type: "string" },
      "max-commands": { type: "string" },
      "no-shrink": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  })
} catch (error) {
  process.stderr.write(`sim: ${(error as Error).message}\n${usage}\n`)
  process.exit(2)
}
const values = parsed.values as Record<string, string | boolean | undefined>
if (values.help) {
  process.stdout.write(`${usage}\n`)
  process.exit(0)
}
const maxCommands = integer("max-commands", values["max-commands"] as string | undefined, 80, 1)
const shrink = values["no-shrink"] !== true

const describeRun = (outcome: SeedOutcome) => {
  const { result, scenario } = outcome
  const out = [
    `seed ${outcome.seed}: ${outcome.passed ? "passed" : "FAILED"} — ${scenario.commands.length} commands, ${scenario.config.devices.length} devices, ${scenario.config.shards} shards, ${Math.round(result.virtualMs / 1000)} s virtual, ${outcome.elapsedMs.toFixed(0)} ms`,
    `  tallies: ${JSON.stringify(result.tallies)}`,
    `  stats: ${JSON.stringify(result.stats)}`,
  ]
  return out.join("\n")
}

if (values.seed !== undefined) {
  const seed = integer("seed", values.seed as string, 0, 0)
  const outcome = await runSeed(seed, { maxCommands, shrink })
  process.stdout.write(`${describeRun(outcome)}\n`)
  if (!outcome.passed) process.stdout.write(`${formatFailure(outcome)}\n`)
  process.exit(outcome.passed ? 0 : 1)
}

const count = integer("seeds", values.seeds as string | undefined, 100, 1)
const from = integer("from", values.from as string | undefined, 1, 0)
const totals = emptyTotals()
const failures: SeedOutcome[] = []
const started = performance.now()
let lastReport = started
const interactive = process.stderr.isTTY === true
for (let seed = from; seed < from + count; seed++) {
  const outcome = await runSeed(seed, { maxCommands, shrink })
  addOutcome(totals, outcome)
  if (!outcome.passed) {
    failures.push(outcome)
    process.stderr.write(`${interactive ? "\r\x1b[2K" : ""}${formatFailure(outcome)}\n`)
  }
  const now = performance.now()
  const done = seed - from + 1
  if (now - lastReport > (interactive ? 250 : 5_000) || done === count) {
    lastReport = now
    const rate = done / ((now - started) / 1000)
    const eta = (count - done) / rate
    const progress = `[${String(done).padStart(String(count).length)}/${count}] ${((100 * done) / count).toFixed(1)}% · ${failures.length} failed · ${rate.toFixed(1)} seeds/s · ${eta.toFixed(0)} s left`
    process.stderr.write(interactive ? `\r\x1b[2K${progress}` : `${progress}\n`)
  }
}
if (interactive) process.stderr.write("\n")
process.stdout.write(`${formatTotals(totals)}\n`)
if (failures.length > 0)
  process.stdout.write(
    `replay a failure: ${failures
      .map((f) => `npm run sim -- --seed ${f.seed}`)
      .slice(0, 5)
      .join(" | ")}\n`,
  )
process.exit(failures.length === 0 ? 0 : 1)
