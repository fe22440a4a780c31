import { describe, expect, it } from "vitest"
import { seededRandom } from "../src/random.ts"

const draw = (seed: string | number, stream: string, n = 20) => {
  const random = seededRandom(seed, stream)
  return Array.from({ length: n }, () => random.next())
}

describe("seededRandom", () => {
  it("gives the same sequence for the same seed and stream", () => {
    expect(draw(42, "device-1/values")).toEqual(draw(42, "device-1/values"))
    expect(draw("abc", "x")).toEqual(draw("abc", "x"))
  })

  it("gives different sequences for different seeds or streams", () => {
    expect(draw(42, "device-1/values")).not.toEqual(draw(43, "device-1/values"))
    expect(draw(42, "device-1/values")).not.toEqual(draw(42, "device-2/values"))
    // "4" + "2/x" must not collide with "42" + "/x": the separator keeps them apart.
    expect(draw("4", "2/x")).not.toEqual(draw("42", "/x"))
  })

  it("draws floats in [0, 1) and integers within inclusive bounds", () => {
    const random = seededRandom(7, "bounds")
    const seen = new Set<number>()
    for (let i = 0; i < 5_000; i++) {
      const f = random.next()
      expect(f).toBeGreaterThanOrEqual(0)
      expect(f).toBeLessThan(1)
      const n = random.int(15, 25)
      expect(Number.isInteger(n) && n >= 15 && n <= 25).toBe(true)
      seen.add(n)
    }
    expect(seen.size).toBe(11) // every value of 20 ± 5 shows up
  })

  it("honours chance roughly at its probability", () => {
    const random = seededRandom(1, "chance")
    let hits = 0
    for (let i = 0; i < 10_000; i++) if (random.chance(0.1)) hits++
    expect(hits).toBeGreaterThan(800)
    expect(hits).toBeLessThan(1_200)
    expect(seededRandom(1, "never").chance(0)).toBe(false)
  })
})
