/**
 * A process crash: thrown by any part of the world (or converted from an adapter's
 * `SimulatedCrash` defect) and caught by the world, which then loses every piece of in-memory
 * state — mapping buffers, lake buffers, positions, broker sessions — and restarts from what
 * is durable, as `kill -9` and a restart would.
 */
import { SimulatedCrash } from "@sluice/adapters-memory"
import { Cause, Exit } from "effect"

export class ProcessCrash extends Error {
  override readonly name = "ProcessCrash"
}

/** True when an exit died of a simulated crash (an adapter's `crash` fault). */
export const diedOfCrash = <A, E>(exit: Exit.Exit<A, E>): boolean => {
  if (!Exit.isFailure(exit)) return false
  const defect = Cause.findDefect(exit.cause)
  return defect._tag === "Success" && defect.success instanceof SimulatedCrash
}

/** Throws ProcessCrash when the exit died of a simulated crash. */
export const rethrowCrash = <A, E>(exit: Exit.Exit<A, E>, where: string): void => {
  if (diedOfCrash(exit)) throw new ProcessCrash(`the process died in ${where}`)
}
