/**
 * Measuring helpers shared by every benchmark: warm up, then repeat a body until a time budget
 * is spent, and report operations per second from the best of several rounds (the least
 * disturbed by other work on a shared 2-core machine).
 */
export interface Measurement {
  readonly opsPerSec: number
  readonly rounds: number
}

export const measure = async (
  opsPerCall: number,
  body: () => unknown | Promise<unknown>,
  {
    rounds = 5,
    minRoundMs = 300,
    warmupCalls = 3,
  }: { rounds?: number; minRoundMs?: number; warmupCalls?: number } = {},
): Promise<Measurement> => {
  for (let i = 0; i < warmupCalls; i++) await body()
  let best = 0
  for (let round = 0; round < rounds; round++) {
    let calls = 0
    const start = process.hrtime.bigint()
    let elapsedMs = 0
    while (elapsedMs < minRoundMs) {
      await body()
      calls++
      elapsedMs = Number(process.hrtime.bigint() - start) / 1e6
    }
    best = Math.max(best, (calls * opsPerCall) / (elapsedMs / 1000))
  }
  return { opsPerSec: best, rounds }
}

/** One row of the results table: a case, its anchor, and our speed as a ratio of it. */
export interface BenchRow {
  readonly suite: string
  readonly name: string
  readonly unit: string
  readonly value: number
  readonly anchor?: string
  readonly anchorValue?: number
  /** value / anchorValue (for times, anchor / value: above 1 is always better for us). */
  readonly ratio?: number
  readonly target?: string
  readonly note?: string
}

export const isMain = (url: string): boolean =>
  process.argv[1] !== undefined && url.endsWith(process.argv[1].replace(/\\/g, "/"))
