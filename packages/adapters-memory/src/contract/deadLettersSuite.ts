/**
 * The contract every DeadLetters adapter passes.
 */
import { type DeadLetter, DeadLetters } from "@sluice/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { type LayerFactory, runWith } from "./run.ts"

const letter = (id: string, at: number, extra: Partial<DeadLetter> = {}): DeadLetter => ({
  id,
  at,
  reason: `reason of ${id}`,
  payload: Buffer.from(`payload of ${id}`).toString("base64"),
  ...extra,
})

export const deadLettersSuite = (name: string, make: LayerFactory<DeadLetters>) =>
  describe(`DeadLetters contract: ${name}`, () => {
    const run = <A, E>(body: Effect.Effect<A, E, DeadLetters>) => runWith(make, body)

    it("stores letters with reason, field, payload and source, and lists them oldest first", () =>
      run(
        Effect.gen(function* () {
          const dlq = yield* DeadLetters
          const full = letter("s/shard-0/49/0", 2000, {
            field: "TEMPERATURE",
            source: { stream: "telemetry", shardId: "shard-0", sequenceNumber: "49", subSequenceNumber: 0 },
          })
          yield* dlq.put([full, letter("b", 1000)])
          yield* dlq.put([letter("c", 3000)])
          expect(yield* dlq.list()).toEqual([letter("b", 1000), full, letter("c", 3000)])
        }),
      ))

    it("keeps one letter per id however often it is put (retries dead-letter once)", () =>
      run(
        Effect.gen(function* () {
          const dlq = yield* DeadLetters
          yield* dlq.put([letter("x", 1000)])
          yield* dlq.put([letter("x", 1000)])
          yield* dlq.put([letter("x", 1000), letter("y", 1001)])
          expect((yield* dlq.list()).map((l) => l.id)).toEqual(["x", "y"])
        }),
      ))

    it("accepts an empty put", () =>
      run(
        Effect.gen(function* () {
          const dlq = yield* DeadLetters
          yield* dlq.put([])
          expect(yield* dlq.list()).toEqual([])
        }),
      ))
  })
