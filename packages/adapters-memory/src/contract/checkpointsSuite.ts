/**
 * The contract every Checkpoints adapter passes: a checkpoint per (consumer, shard), absent
 * until set, never moving backwards — sequence numbers compared as numbers, so "10" is after
 * "9" — and concurrent sets ending at the largest.
 */
import { Checkpoints } from "@sluice/core"
import { checkAsyncProperty } from "@sluice/testkit"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type LayerFactory, runWith } from "./run.ts"

export const checkpointsSuite = (
  name: string,
  make: LayerFactory<Checkpoints>,
  options: { propertyRuns?: number } = {},
) =>
  describe(`Checkpoints contract: ${name}`, () => {
    const run = <A, E>(body: Effect.Effect<A, E, Checkpoints>) => runWith(make, body)

    it("has no checkpoint until one is set, then returns it, per consumer and shard", () =>
      run(
        Effect.gen(function* () {
          const checkpoints = yield* Checkpoints
          expect(yield* checkpoints.get("consumer-a", "shardId-000000000000")).toBeUndefined()
          yield* checkpoints.set(
            "consumer-a",
            "shardId-000000000000",
            "49590338271490256608559692538361571095921575989136588898",
          )
          yield* checkpoints.set("consumer-a", "shardId-000000000001", "7")
          yield* checkpoints.set("consumer b/with:odd.chars", "shardId-000000000000", "3")
          expect(yield* checkpoints.get("consumer-a", "shardId-000000000000")).toBe(
            "49590338271490256608559692538361571095921575989136588898",
          )
          expect(yield* checkpoints.get("consumer-a", "shardId-000000000001")).toBe("7")
          expect(yield* checkpoints.get("consumer b/with:odd.chars", "shardId-000000000000")).toBe("3")
          expect(yield* checkpoints.get("consumer b/with:odd.chars", "shardId-000000000001")).toBeUndefined()
        }),
      ))

    it("never moves backwards, comparing as numbers", () =>
      run(
        Effect.gen(function* () {
          const checkpoints = yield* Checkpoints
          yield* checkpoints.set("c", "s", "10")
          yield* checkpoints.set("c", "s", "9")
          expect(yield* checkpoints.get("c", "s")).toBe("10")
          yield* checkpoints.set("c", "s", "10")
          expect(yield* checkpoints.get("c", "s")).toBe("10")
          yield* checkpoints.set("c", "s", "100000000000000000000")
          yield* checkpoints.set("c", "s", "99999999999999999999")
          expect(yield* checkpoints.get("c", "s")).toBe("100000000000000000000")
        }),
      ))

    it("ends at the largest of concurrent sets", () =>
      run(
        Effect.gen(function* () {
          const checkpoints = yield* Checkpoints
          const values = [5, 12, 3, 40, 7, 39, 1].map(String)
          yield* Effect.all(
            values.map((v) => checkpoints.set("c", "s", v)),
            { concurrency: "unbounded" },
          )
          expect(yield* checkpoints.get("c", "s")).toBe("40")
        }),
      ))

    it("matches a reference model under random sets (property)", () =>
      checkAsyncProperty(
        fc.asyncProperty(
          fc.array(
            fc.record({
              consumer: fc.constantFrom("a", "b"),
              shard: fc.constantFrom("s0", "s1"),
              seq: fc.bigInt({ min: 0n, max: 10n ** 25n }),
            }),
            { maxLength: 20 },
          ),
          (sets) =>
            run(
              Effect.gen(function* () {
                const checkpoints = yield* Checkpoints
                const model = new Map<string, bigint>()
                for (const { consumer, shard, seq } of sets) {
                  yield* checkpoints.set(consumer, shard, String(seq))
                  const key = `${consumer}/${shard}`
                  const current = model.get(key)
                  if (current === undefined || seq > current) model.set(key, seq)
                }
                for (const consumer of ["a", "b"])
                  for (const shard of ["s0", "s1"]) {
                    const expected = model.get(`${consumer}/${shard}`)
                    expect(yield* checkpoints.get(consumer, shard)).toBe(
                      expected === undefined ? undefined : String(expected),
                    )
                  }
              }),
            ),
        ),
        options.propertyRuns ?? 15,
      ))
  })
