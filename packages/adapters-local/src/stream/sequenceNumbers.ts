/**
 * Sequence numbers of the local log: a shard's record counter (0, 1, 2, …) shown as a 21-digit
 * decimal string, `"1"` followed by the counter padded to 20 digits — `100000000000000000000`
 * is a shard's first record.
 *
 * Why this shape: the Stream port promises decimal strings that sort numerically (like Kinesis
 * sequence numbers); a fixed width with no leading zero also sorts as text, so a consumer that
 * compares them carelessly as strings is still right, and `BigInt(s)` or `Number`-free length-
 * then-text comparisons agree. Counters are per shard, as Kinesis only promises uniqueness
 * within a shard. Up to 2^48 records per shard (a frame stores the counter in 6 bytes).
 */

const WIDTH = 20
const PATTERN = /^1\d{20}$/
/** Counters are stored in 6 bytes in a frame. */
export const MAX_COUNTER = 2 ** 48 - 1

/** The sequence number of a shard's record counter. */
export const sequenceNumberOf = (counter: number): string => `1${String(counter).padStart(WIDTH, "0")}`

/** The counter behind one of our sequence numbers, or undefined for any other string. */
export const counterOf = (sequenceNumber: string): number | undefined => {
  if (!PATTERN.test(sequenceNumber)) return undefined
  const counter = Number(sequenceNumber.slice(1))
  return counter <= MAX_COUNTER ? counter : undefined
}

/**
 * Numeric order of two decimal sequence numbers of any length (ours or Kinesis's): leading
 * zeros aside, the longer is larger, and equal lengths compare as text. Never through
 * `Number`, which rounds past 2^53.
 */
export const compareDecimal = (a: string, b: string): number => {
  const x = a.replace(/^0+(?=\d)/, "")
  const y = b.replace(/^0+(?=\d)/, "")
  return x.length !== y.length ? x.length - y.length : x < y ? -1 : x > y ? 1 : 0
}
