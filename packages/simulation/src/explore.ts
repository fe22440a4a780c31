/**
 * Seeds in, verdicts out: a seed is one fast-check run of the scenario property — the scenario
 * generated from that seed — so `--seed S` replays it exactly, and a failure is shrunk by
 * fast-check to a small counterexample, re-run once more for its full report.
 *
 * `runSeed` is what the tests and `npm run sim` share.
 */
import fc from "fast-check"
import type { Scenario } from "./scenario.ts"
import { scenarioArbitrary } from "./scenarioArbitrary.ts"
import { type SimResult, simulate } from "./simulate.ts"
import type { Mutant } from "./world/world.ts"

export interface SeedOutcome {
  readonly seed: number
  readonly passed: boolean
  /** The run of the seed's own scenario. */
  readonly result: SimResult
  readonly scenario: Scenario
  /** For a failure: the shrunk scenario, its run, and how many shrinks it took. */
  readonly shrunk?: { readonly scenario: Scenario; readonly result: SimResult; readonly shrinks: number }
  readonly elapsedMs: number
}

export interface RunSeedOptions {
  readonly maxCommands?: number
  /** Run with a deliberate bug (tests of the checks themselves). */
  readonly mutant?: Mutant
  /** Shrink a failure (default true); off for a quick look. */
  readonly shrink?: boolean
  /**
   * Stop shrinking after this long (default 120 s) and report the smallest failing scenario
   * found so far. Shrinking is deterministic unless it is cut short.
   */
  readonly shrinkTimeLimitMs?: number
}

/** The scenario a seed stands for. */
export const scenarioOfSeed = (seed: number, maxCommands = 80): Scenario =>
  fc.sample(scenarioArbitrary(maxCommands), { seed, numRuns: 1 })[0] as Scenario

export const runSeed = async (seed: number, options: RunSeedOptions = {}): Promise<SeedOutcome> => {
  const started = performance.now()
  const scenario = scenarioOfSeed(seed, options.maxCommands)
  const world = options.mutant === undefined ? {} : { mutant: options.mutant }
  const result = await simulate(scenario, world)
  const passed = result.violations.length === 0
  if (passed || options.shrink === false)
    return { seed, passed, result, scenario, elapsedMs: performance.now() - started }
  // The seed's scenario is the first value fast-check generates from the seed (as fc.sample
  // does): one run regenerates it, fails, and shrinks.
  const details = await fc.check(
    fc.asyncProperty(scenarioArbitrary(options.maxCommands), async (candidate) => {
      const run = await simulate(candidate, world)
      return run.violations.length === 0
    }),
    { seed, numRuns: 1, interruptAfterTimeLimit: options.shrinkTimeLimitMs ?? 120_000 },
  )
  const counterexample = details.counterexample?.[0] ?? scenario
  const shrunkResult = await simulate(counterexample, world)
  return {
    seed,
    passed,
    result,
    scenario,
    shrunk: { scenario: counterexample, result: shrunkResult, shrinks: details.numShrinks },
    elapsedMs: performance.now() - started,
  }
}

const describeCommand = (scenario: Scenario, command: Scenario["commands"][number]): string => {
  const devices = scenario.config.devices
  const name = (index: number) => devices[index % devices.length]?.name ?? String(index)
  switch (command.t) {
    case "publish":
      return `${name(command.device)} publishes a ${command.kind}`
    case "poll":
      return `mapping shard ${command.shard % scenario.config.shards} polls`
    case "advance":
      return `${command.ms} ms pass`
    case "disconnect":
    case "reconnect":
      return `${name(command.device)} ${command.t}s`
    case "skew":
      return `${name(command.device)}'s clock moves ${command.ms} ms`
    default:
      return command.t
  }
}

/** A failure as a person reads it: what broke, the small scenario, how to replay it. */
export const formatFailure = (outcome: SeedOutcome): string => {
  const shown = outcome.shrunk ?? { scenario: outcome.scenario, result: outcome.result, shrinks: 0 }
  const { scenario, result } = shown
  const lines = [`seed ${outcome.seed}: FAILED`]
  for (const violation of result.violations.slice(0, 5))
    lines.push(`  ✗ ${violation.invariant}: ${violation.message}`)
  if (result.violations.length > 5) lines.push(`  … and ${result.violations.length - 5} more`)
  const at = result.failedStep === -1 ? "after the drain" : `after command ${(result.failedStep ?? 0) + 1}`
  lines.push(
    `  shrunk in ${shown.shrinks} steps to ${scenario.commands.length} commands (seen ${at}; the seed's own scenario had ${outcome.scenario.commands.length}):`,
  )
  for (const [i, command] of scenario.commands.entries())
    lines.push(`    ${String(i + 1).padStart(3)}. ${describeCommand(scenario, command)}`)
  lines.push(`  config: ${JSON.stringify(scenario.config)}`)
  lines.push(`  replay: npm run sim -- --seed ${outcome.seed}`)
  return lines.join("\n")
}
