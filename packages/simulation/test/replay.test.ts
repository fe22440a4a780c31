/**
 * Replay: a seed stands for one scenario and one run. The scenario `npm run sim -- --seed S`
 * regenerates is the one fast-check generates from S, and running it twice gives the same run
 * in every detail the summary reports — faults injected, invocations, virtual time.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { scenarioOfSeed } from "../src/explore.ts"
import { scenarioArbitrary } from "../src/scenarioArbitrary.ts"
import { simulate } from "../src/simulate.ts"

describe("replaying a seed", () => {
  it("regenerates the scenario fast-check generated from the seed", () => {
    for (const seed of [1, 42, 4711]) {
      let generated: unknown
      fc.check(
        fc.property(scenarioArbitrary(), (scenario) => {
          generated = scenario
          return true
        }),
        { seed, numRuns: 1 },
      )
      expect(scenarioOfSeed(seed)).toEqual(generated)
    }
  })

  it("runs the same scenario the same way twice", async () => {
    for (const seed of [3, 25, 65]) {
      const scenario = scenarioOfSeed(seed)
      const [a, b] = [await simulate(scenario), await simulate(scenario)]
      expect(JSON.stringify(b)).toBe(JSON.stringify(a))
    }
  })
})
