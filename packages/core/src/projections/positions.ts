/**
 * Positions in the history, and the sources they belong to.
 *
 * A source is one ordered sequence of events: a stream shard (`stream:<name>/<shardId>`) or the
 * data lake (`lake`). A position is an event's place in its source, written as fixed-width text
 * so that plain string comparison is the source's order — the store and every adapter compare
 * them bytewise, no parsing:
 *
 *     stream  <sequence number, zero-padded to 40 digits>:<KPL sub-record index, 6 digits>
 *     lake    <object ordinal, 12 digits>:<line, 9 digits>
 *
 * Kinesis sequence numbers are decimal strings of up to 128 bits (39 digits), so 40 digits hold
 * any of them; sub-records of one KPL aggregate share their record's sequence number and are
 * told apart by their index. A lake object's ordinal is its place in the order replay first
 * applied it (the lake has no order of its own that new objects respect).
 */

const SEQUENCE_WIDTH = 40
const SUB_WIDTH = 6
const ORDINAL_WIDTH = 12
const LINE_WIDTH = 9

/** The source of one shard of a stream. */
export const streamSource = (streamName: string, shardId: string): string => `stream:${streamName}/${shardId}`

export const LAKE_SOURCE = "lake"

/** The shard a stream source names, or undefined for another kind of source. */
export const shardOfSource = (source: string): { stream: string; shardId: string } | undefined => {
  if (!source.startsWith("stream:")) return undefined
  const rest = source.slice("stream:".length)
  const slash = rest.lastIndexOf("/")
  return slash <= 0 ? undefined : { stream: rest.slice(0, slash), shardId: rest.slice(slash + 1) }
}

/** The position of a stream record (and KPL sub-record). */
export const streamPosition = (sequenceNumber: string, subSequenceNumber = 0): string => {
  const digits = sequenceNumber.replace(/^0+(?=\d)/, "")
  if (!/^\d{1,40}$/.test(digits)) throw new RangeError(`not a sequence number: ${sequenceNumber}`)
  return `${digits.padStart(SEQUENCE_WIDTH, "0")}:${String(subSequenceNumber).padStart(SUB_WIDTH, "0")}`
}

/** The sequence number of a stream position (the inverse of `streamPosition`). */
export const sequenceNumberOfPosition = (position: string): string =>
  position.slice(0, SEQUENCE_WIDTH).replace(/^0+(?=\d)/, "")

/** The position of a line of the lake object applied `ordinal`-th. */
export const lakePosition = (ordinal: number, line: number): string =>
  `${String(ordinal).padStart(ORDINAL_WIDTH, "0")}:${String(line).padStart(LINE_WIDTH, "0")}`

/** The later of two positions (undefined counts as before everything). */
export const laterPosition = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : a < b ? b : a
