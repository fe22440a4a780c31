/**
 * The DeadLetters port in memory: an upsert by id, listed oldest first (by `at`, then by first
 * arrival). `memoryDeadLetters()` is the plain-Promise facade.
 */
import { type DeadLetter, DeadLetters, plainDeadLettersOf } from "@sluice/core"
import { Effect, Layer } from "effect"

export const makeService = (letters: Map<string, DeadLetter>): DeadLetters["Service"] =>
  DeadLetters.of({
    put: (batch) =>
      Effect.sync(() => {
        for (const letter of batch) {
          // Re-inserting keeps first-arrival order; the newest content wins.
          letters.set(letter.id, letter)
        }
      }),
    list: () => Effect.sync(() => [...letters.values()].sort((a, b) => a.at - b.at)),
  })

export const make = (): DeadLetters["Service"] => makeService(new Map())

export const layer = (): Layer.Layer<DeadLetters> => Layer.sync(DeadLetters, make)

export const memoryDeadLetters = () => {
  const letters = new Map<string, DeadLetter>()
  return { ...plainDeadLettersOf(makeService(letters)), letters }
}
export type MemoryDeadLetters = ReturnType<typeof memoryDeadLetters>
