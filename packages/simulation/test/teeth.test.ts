/**
 * The checks have teeth: the simulation run with a deliberate bug must catch it, on one of the
 * first seeds, as a violation of an invariant that bug breaks — and shrink it to a small
 * counterexample. A simulation that passes everything proves nothing until it fails this way.
 */
import { describe, expect, it } from "vitest"
import { runSeed } from "../src/explore.ts"
import type { Mutant } from "../src/world/world.ts"

const firstCaught = async (mutant: Mutant, maxSeeds: number) => {
  for (let seed = 1; seed <= maxSeeds; seed++) {
    const outcome = await runSeed(seed, { mutant, shrink: false })
    if (!outcome.passed) return outcome
  }
  return undefined
}

describe("the simulation catches deliberate bugs", () => {
  it.each([
    ["ackBeforeAppend", /accounting/, 20],
    ["ignorePartialFailure", /accounting|per-device order/, 60],
    ["parallelConsumer", /per-device order/, 200],
  ] as const)(
    "catches %s (%s)",
    async (mutant, invariant, maxSeeds) => {
      const outcome = await firstCaught(mutant, maxSeeds)
      expect(outcome, `${mutant} was never caught in ${maxSeeds} seeds`).toBeDefined()
      expect(outcome?.result.violations.map((v) => v.invariant).join(" ")).toMatch(invariant)
    },
    60_000,
  )

  it("shrinks a caught bug to a few commands that still show it", async () => {
    const outcome = await runSeed(1, { mutant: "ackBeforeAppend" })
    expect(outcome.passed).toBe(false)
    expect(outcome.shrunk?.result.violations[0]?.invariant).toBe("accounting")
    expect(outcome.shrunk?.scenario.commands.length).toBeLessThanOrEqual(5)
  }, 60_000)
})
