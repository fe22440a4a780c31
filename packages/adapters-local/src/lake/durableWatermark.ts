/**
 * Which accepted records are durable, as one number a feeder can checkpoint against.
 *
 * Records are numbered 0, 1, 2, … in the order the delivery stream accepts them (the "ticket").
 * Buffers flush in any order — one partition's object may be written before an older
 * partition's — so durability is tracked per ticket, and `durableCount` is the length of the
 * longest prefix of tickets that are all settled: written in a data or error object, or
 * deliberately dropped. Everything numbered below it is safe; a checkpoint up to the source
 * position of ticket `durableCount - 1` never skips an undelivered record.
 */
export interface DurableWatermark {
  /** Numbers `count` new records; returns the first ticket. */
  readonly issue: (count: number) => number
  /** Marks tickets settled (in any order, each once). */
  readonly settle: (tickets: Iterable<number>) => void
  /** Every ticket below this is settled. */
  readonly durableCount: () => number
  /** Tickets issued so far. */
  readonly issued: () => number
}

export const makeDurableWatermark = (): DurableWatermark => {
  let next = 0
  let low = 0
  const settledAbove = new Set<number>()
  return {
    issue: (count) => {
      const first = next
      next += count
      return first
    },
    settle: (tickets) => {
      for (const ticket of tickets) if (ticket >= low) settledAbove.add(ticket)
      while (settledAbove.delete(low)) low++
    },
    durableCount: () => low,
    issued: () => next,
  }
}
