/**
 * The plain-Promise face of the DeadLetters port (see plainTable.ts for the conventions).
 */
import { Effect } from "effect"
import { Fatal, toDeliveryError } from "../delivery/errors.ts"
import type { DeadLetter, DeadLetters, DeadLettersError } from "../ports/deadLetters.ts"

export interface PlainDeadLetters {
  put(letters: ReadonlyArray<DeadLetter>): Promise<void>
  list(): Promise<ReadonlyArray<DeadLetter>>
}

export type DeadLettersLike = PlainDeadLetters | { readonly service: DeadLetters["Service"] }

const asDeadLettersError = (error: unknown): DeadLettersError => {
  const classified = toDeliveryError(error)
  // A dead-letter store cannot reject a letter as poison; treat that as a broken store.
  return classified._tag === "Poison"
    ? new Fatal({ reason: `dead-letter store rejected a letter: ${classified.reason}` })
    : classified
}

export const deadLettersServiceOf = (target: DeadLettersLike): DeadLetters["Service"] => {
  if ("service" in target) return target.service
  return {
    put: (letters) => Effect.tryPromise({ try: () => target.put(letters), catch: asDeadLettersError }),
    list: () => Effect.tryPromise({ try: () => target.list(), catch: asDeadLettersError }),
  }
}

export const plainDeadLettersOf = (
  service: DeadLetters["Service"],
): PlainDeadLetters & { readonly service: DeadLetters["Service"] } => ({
  service,
  put: (letters) => Effect.runPromise(service.put(letters)),
  list: () => Effect.runPromise(service.list()),
})
