/**
 * The virtual runtime: sleeps, timeouts and concurrency play out in virtual time, at once and
 * always in the same order; outside I/O is awaited without moving time; an effect stuck on
 * nothing fails loudly instead of hanging.
 */
import { Effect, Exit, Option, Random } from "effect"
import { describe, expect, it } from "vitest"
import { makeVirtualRuntime } from "../src/virtualRuntime.ts"

const T0 = Date.UTC(2026, 10, 26)

describe("virtual runtime", () => {
  it("runs sleeps, concurrency and timeouts on virtual time, without waiting", () => {
    const runtime = makeVirtualRuntime(T0)
    const started = performance.now()
    const exit = runtime.runSync(
      Effect.gen(function* () {
        const order: number[] = []
        yield* Effect.forEach(
          [300, 100, 200],
          (ms) => Effect.sleep(ms).pipe(Effect.andThen(Effect.sync(() => order.push(ms)))),
          { concurrency: "unbounded" },
        )
        const late = yield* Effect.timeoutOption(Effect.sleep("1 hour"), "2 seconds")
        return { order, timedOut: Option.isNone(late) }
      }),
    )
    expect(Exit.isSuccess(exit) && exit.value).toEqual({ order: [100, 200, 300], timedOut: true })
    expect(runtime.now()).toBe(T0 + 300 + 2_000)
    expect(performance.now() - started).toBeLessThan(1_000) // an hour of sleep never waited for
  })

  it("gives the same random numbers to the same run of the same seed", () => {
    const draw = (seed: number) => {
      const runtime = makeVirtualRuntime(T0, seed)
      return [1, 2, 3].map(() => {
        const exit = runtime.runSync(Random.next)
        return Exit.isSuccess(exit) ? exit.value : Number.NaN
      })
    }
    expect(draw(7)).toEqual(draw(7))
    expect(draw(7)).not.toEqual(draw(8))
  })

  it("awaits outside I/O without moving time", async () => {
    const runtime = makeVirtualRuntime(T0)
    const exit = await runtime.run(
      Effect.promise(() => new Promise<string>((resolve) => setTimeout(() => resolve("done"), 20))),
    )
    expect(Exit.isSuccess(exit) && exit.value).toBe("done")
    expect(runtime.now()).toBe(T0)
  })

  it("refuses outside I/O in a synchronous run", () => {
    const runtime = makeVirtualRuntime(T0)
    expect(() => runtime.runSync(Effect.promise(() => new Promise(() => {})))).toThrow(
      /outside the simulation/,
    )
  })

  it("moves time only forward between runs", () => {
    const runtime = makeVirtualRuntime(T0)
    runtime.advance(-5)
    runtime.advance(10)
    expect(runtime.now()).toBe(T0 + 10)
  })
})
