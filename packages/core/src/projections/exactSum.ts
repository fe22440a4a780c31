/**
 * Exact sums of floating-point numbers, in any order (Shewchuk's algorithm, as Python's
 * `math.fsum`).
 *
 * A sum is kept as a short list of non-overlapping doubles ("partials") whose exact total is the
 * exact total of every number added; `total` rounds it once, correctly. The result depends on
 * the set of numbers only, never on their order — which is why the aggregates use it: a mean
 * built from readings in stream order, in lake order or after a crash and a replay is the same
 * double, bit for bit, so a rebuilt view equals the live one. Plain `+=` would differ in the last
 * bits whenever the order does.
 *
 * Limits: numbers must be finite; a total beyond ±1.8e308 is Infinity (readings never get close).
 * Partials stay few (two or three for sensor values); they are JSON numbers, so a sum survives
 * being stored and carried in Lambda's window state.
 */

/** The partials of `partials` plus `x` (a new array; the input is not changed). */
export const addExact = (partials: ReadonlyArray<number>, x: number): number[] => {
  const next: number[] = []
  let value = x
  for (const partial of partials) {
    let p = partial
    if (Math.abs(value) < Math.abs(p)) [value, p] = [p, value]
    const high = value + p
    const low = p - (high - value)
    if (low !== 0) next.push(low)
    value = high
  }
  if (value !== 0 || next.length === 0) next.push(value)
  return next
}

/** The partials of two sums added together. */
export const mergeExact = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): number[] =>
  b.reduce<number[]>((sum, x) => addExact(sum, x), [...a])

/** The correctly rounded total of the partials. */
export const totalExact = (partials: ReadonlyArray<number>): number => {
  let n = partials.length
  if (n === 0) return 0
  let high = partials[--n] as number
  let low = 0
  while (n > 0) {
    const x = high
    const y = partials[--n] as number
    high = x + y
    const yr = high - x
    low = y - yr
    if (low !== 0) break
  }
  // Round half-even across the partials below, as fsum does.
  if (
    n > 0 &&
    ((low < 0 && (partials[n - 1] as number) < 0) || (low > 0 && (partials[n - 1] as number) > 0))
  ) {
    const y = low * 2
    const x = high + y
    if (y === x - high) high = x
  }
  return high
}
