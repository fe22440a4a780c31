/**
 * Totals over many runs — what was injected, what the pipeline did with it — for the summary
 * `npm run sim` prints, so a green run also says how hard it was tried.
 */
import type { SeedOutcome } from "./explore.ts"

type Counts = Record<string, number>

const addInto = (target: Counts, source: Readonly<Record<string, number>>, prefix = "") => {
  for (const [key, value] of Object.entries(source))
    target[prefix + key] = (target[prefix + key] ?? 0) + value
}

export interface Totals {
  seeds: number
  passed: number
  failed: number[]
  commands: number
  virtualMs: number
  elapsedMs: number
  pipeline: Counts
  consumer: Counts
  broker: Counts
  faults: Counts
  crashes: number
  lakeObjects: number
}

export const emptyTotals = (): Totals => ({
  seeds: 0,
  passed: 0,
  failed: [],
  commands: 0,
  virtualMs: 0,
  elapsedMs: 0,
  pipeline: {},
  consumer: {},
  broker: {},
  faults: {},
  crashes: 0,
  lakeObjects: 0,
})

export const addOutcome = (totals: Totals, outcome: SeedOutcome): void => {
  const { result } = outcome
  totals.seeds++
  if (outcome.passed) totals.passed++
  else totals.failed.push(outcome.seed)
  totals.commands += result.commands
  totals.virtualMs += result.virtualMs
  totals.elapsedMs += outcome.elapsedMs
  for (const [pipeline, tally] of Object.entries(result.tallies))
    addInto(totals.pipeline, tally as unknown as Record<string, number>, `${pipeline}.`)
  addInto(totals.consumer, result.stats.consumer as unknown as Record<string, number>)
  addInto(totals.broker, result.stats.broker as unknown as Record<string, number>)
  for (const [port, counts] of Object.entries(result.stats.faults)) addInto(totals.faults, counts, `${port}.`)
  totals.crashes += result.stats.restarts
  totals.lakeObjects += result.stats.lakeObjects
}

const line = (counts: Counts) =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([key, n]) => `${key} ${n}`)
    .join(" · ")

export const formatTotals = (totals: Totals): string => {
  const p = totals.pipeline
  const lines = [
    `${totals.seeds} seeds: ${totals.passed} passed, ${totals.failed.length} failed${totals.failed.length ? ` (${totals.failed.slice(0, 20).join(", ")}${totals.failed.length > 20 ? ", …" : ""})` : ""} in ${(totals.elapsedMs / 1000).toFixed(1)} s`,
    `  ${totals.commands} commands, ${(totals.virtualMs / 3_600_000).toFixed(1)} h of virtual time, ${totals.crashes} process crashes and restarts`,
    `  table:  accepted ${p["table.accepted"] ?? 0} = stored ${p["table.stored"] ?? 0} + dead ${p["table.dead"] ?? 0} + in flight ${p["table.inFlight"] ?? 0} (after the drain)`,
    `  lake:   accepted ${p["lake.accepted"] ?? 0} = stored ${p["lake.stored"] ?? 0} + error output/dead ${p["lake.dead"] ?? 0}; ${totals.lakeObjects} objects`,
    `  search: accepted ${p["search.accepted"] ?? 0} = indexed ${p["search.stored"] ?? 0} + dead ${p["search.dead"] ?? 0}`,
    `  dropped (no rule matched): ${p["other.dropped"] ?? 0}`,
    `  mapping/consumer: ${line(totals.consumer)}`,
    `  broker: ${line(totals.broker)}`,
    `  faults injected: ${line(totals.faults)}`,
  ]
  return lines.join("\n")
}
