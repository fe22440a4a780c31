/**
 * One run: build the world, apply the scenario's commands one by one, check every invariant
 * after each, then drain and check the end state — everything settled, every device's latest
 * state its newest stored reading.
 *
 * A run stops at its first violated step (the rest would only repeat it) and returns the
 * violations with the step that broke, what happened so far, and the tallies of invariant 1.
 */
import { drain } from "./drain.ts"
import type { Pipeline, Tally } from "./invariants/accounting.ts"
import { makeChecker, type Violation } from "./invariants/check.ts"
import type { Command, Scenario } from "./scenario.ts"
import { messageIdIn } from "./world/payloads.ts"
import { makeWorld, type World, type WorldOptions } from "./world/world.ts"

export interface SimResult {
  readonly violations: ReadonlyArray<Violation>
  /** Index of the command after which the first violation was seen; -1 for the drain. */
  readonly failedStep: number | undefined
  readonly failedCommand: Command | undefined
  readonly commands: number
  readonly drainRounds: number
  readonly virtualMs: number
  readonly tallies: Record<Pipeline, Tally>
  readonly stats: ReturnType<World["stats"]>
}

/**
 * After the drain: each device's latest state is at least its newest stored reading — except
 * readings the mapping discarded (MaximumRetryAttempts, MaximumRecordAgeInSeconds): their
 * latest-state write may be what failed, and a discard is final by AWS's design.
 */
const converged = (world: World): string[] => {
  const discarded = new Set<number>()
  for (const letter of world.ports.letters.values()) {
    if (!letter.id.startsWith("esm/")) continue
    const id = messageIdIn(Buffer.from(letter.payload, "base64").toString("utf8"))
    if (id !== undefined) discarded.add(id)
  }
  const newest = new Map<string, string>()
  for (const item of world.ports.tableState.readings.values()) {
    const id = messageIdIn(String(item.MSG ?? ""))
    if (id !== undefined && discarded.has(id)) continue
    const ts = newest.get(item.deviceId)
    if (ts === undefined || item.ts > ts) newest.set(item.deviceId, item.ts)
  }
  const problems: string[] = []
  for (const [deviceId, ts] of newest) {
    const latest = world.ports.tableState.latest.get(deviceId)
    if (latest === undefined || latest.ts < ts)
      problems.push(
        `after the drain, the latest state of ${deviceId} is ${latest?.ts ?? "missing"}, behind its newest reading ${ts}`,
      )
  }
  return problems
}

export const simulate = async (scenario: Scenario, options: WorldOptions = {}): Promise<SimResult> => {
  const world = await makeWorld(scenario, options)
  const checker = makeChecker(world)
  const started = world.runtime.now()
  let violations: Violation[] = []
  let failedStep: number | undefined
  let tallies = checker.check().tallies
  for (const [index, command] of scenario.commands.entries()) {
    await world.step(command)
    const result = checker.check()
    tallies = result.tallies
    if (result.violations.length > 0) {
      violations = result.violations
      failedStep = index
      break
    }
  }
  let drainRounds = 0
  if (failedStep === undefined) {
    const outcome = await drain(world, checker)
    drainRounds = outcome.rounds
    const result = checker.check()
    tallies = result.tallies
    violations = [...result.violations]
    if (outcome.stuck !== undefined)
      violations.push({ invariant: "poison never blocks / drain", message: outcome.stuck })
    for (const message of converged(world)) violations.push({ invariant: "per-device order", message })
    if (violations.length > 0) failedStep = -1
  }
  return {
    violations,
    failedStep,
    failedCommand: failedStep === undefined || failedStep < 0 ? undefined : scenario.commands[failedStep],
    commands: scenario.commands.length,
    drainRounds,
    virtualMs: world.runtime.now() - started,
    tallies,
    stats: world.stats(),
  }
}
