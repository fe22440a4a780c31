/**
 * The simulation's main property: a few hundred seeds, each a generated scenario of devices,
 * faults on every port, crashes and restarts, with every invariant checked after every step
 * and after the drain. A failure prints the seed, the scenario shrunk to a small
 * counterexample, and `npm run sim -- --seed S` to replay it.
 *
 * Seeds are fixed (1…N), so the suite is deterministic; `npm run sim -- --seeds N --from S`
 * explores further, and SLUICE_PROPERTY_SCALE multiplies N here.
 */
import { numRuns } from "@sluice/testkit"
import { describe, expect, it } from "vitest"
import { formatFailure, runSeed } from "../src/explore.ts"
import { addOutcome, emptyTotals, formatTotals } from "../src/summary.ts"

const SEEDS = numRuns(400)
const CHUNK = 50

describe("deterministic simulation of the whole pipeline", () => {
  const totals = emptyTotals()
  for (let from = 1; from <= SEEDS; from += CHUNK) {
    const to = Math.min(SEEDS, from + CHUNK - 1)
    it(`holds every invariant for seeds ${from}…${to}`, async () => {
      const failures: string[] = []
      for (let seed = from; seed <= to; seed++) {
        const outcome = await runSeed(seed)
        addOutcome(totals, outcome)
        if (!outcome.passed) failures.push(formatFailure(outcome))
      }
      expect(failures, failures.join("\n\n")).toEqual([])
    }, 120_000)
  }

  it("injected every kind of fault and exercised every path", () => {
    process.stdout.write(`${formatTotals(totals)}\n`)
    for (const fault of [
      "stream.throttled",
      "stream.failedEntries",
      "stream.readsThrottled",
      "table.throttle",
      "table.partial",
      "table.timeoutAfterWrite",
      "table.crash",
      "deadLetters.error",
      "objectStore.error",
      "objectStore.timeoutAfterWrite",
      "search.partial",
    ])
      expect(totals.faults[fault] ?? 0, fault).toBeGreaterThan(0)
    for (const path of ["partialFailures", "timeouts", "discarded", "expired", "handlerFaults", "duplicates"])
      expect(totals.consumer[path] ?? 0, path).toBeGreaterThan(0)
    expect(totals.broker.acksLost ?? 0).toBeGreaterThan(0)
    expect(totals.broker.refused ?? 0).toBeGreaterThan(0)
    expect(totals.crashes).toBeGreaterThan(0)
    expect(totals.pipeline["table.dead"] ?? 0).toBeGreaterThan(0)
    expect(totals.pipeline["other.dropped"] ?? 0).toBeGreaterThan(0)
  })
})
