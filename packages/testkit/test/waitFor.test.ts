import { describe, expect, it } from "vitest"
import { freePort, numRuns, waitFor } from "../src/index.ts"

describe("waitFor", () => {
  it("resolves with the first defined value", async () => {
    let calls = 0
    expect(await waitFor(() => (++calls >= 3 ? calls : undefined), { intervalMs: 1 })).toBe(3)
  })

  it("fails after its timeout naming what it waited for", async () => {
    await expect(waitFor(() => false, { timeoutMs: 30, intervalMs: 5, what: "the moon" })).rejects.toThrow(
      /the moon/,
    )
  })
})

describe("freePort and numRuns", () => {
  it("gives a usable loopback port", async () => {
    const port = await freePort()
    expect(port).toBeGreaterThan(0)
  })

  it("scales property runs by SLUICE_PROPERTY_SCALE", () => {
    expect(numRuns(10)).toBe(10 * Number(process.env.SLUICE_PROPERTY_SCALE ?? 1))
  })
})
