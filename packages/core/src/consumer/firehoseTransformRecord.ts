/**
 * One Firehose record in, one verdict out: the per-record half of the transformation.
 *
 * A record normally holds one reading, often followed by the `\n` the IoT rule's Firehose action
 * adds as a separator. It may also hold several readings, one per line (a producer that batches,
 * or `\r\n` endings). We first parse the whole record as one JSON value (so a pretty-printed
 * reading spanning lines still works), and only when that fails read it line by line, ignoring
 * blank lines.
 *
 * - `Ok`: every reading decoded; the output is one JSON line per reading kept, each
 *   `{...fields as published, deviceId, ts}` — exactly the table's stored item (`ts` is the
 *   reading's sort key), so the lake and the table agree row for row. The partition keys are
 *   the device and the UTC year, month, day and hour of the reading's time (zone-less device
 *   times read as UTC, decision 0004).
 * - `Dropped`: the filter rejected every reading in the record.
 * - `ProcessingFailed`: not UTF-8, no reading, a line that is not a valid reading, or readings
 *   whose partition keys differ (one record has one set of keys; splitting it across
 *   partitions is not expressible in Firehose's contract). A record is atomic: one bad line
 *   fails it whole, and the reason names the line.
 *
 * Plain synchronous code: it runs once per record on the hot path.
 */
import { Result } from "effect"
import { readingFromJson } from "../telemetry/handsOnCodec.ts"
import { decodeUtf8, parseJson } from "../telemetry/json.ts"
import type { Reading } from "../telemetry/reading.ts"
import type { FirehosePartitionKeys } from "./firehoseEvent.ts"

export interface LakePartitionKeys extends FirehosePartitionKeys {
  readonly device: string
  readonly year: string
  readonly month: string
  readonly day: string
  readonly hour: string
}

export type RecordTransformation =
  | {
      readonly result: "Ok"
      /** One JSON line per reading kept, each ending in `\n`. */
      readonly lines: string
      readonly partitionKeys: LakePartitionKeys
      readonly readings: number
    }
  | { readonly result: "Dropped"; readonly reason: string }
  | { readonly result: "ProcessingFailed"; readonly reason: string }

export interface RecordTransformOptions {
  /** Keep a reading (true) or drop it (false). Default: keep all. */
  readonly filter?: (reading: Reading) => boolean
}

/** The stored item of a reading as one JSON line: `{...fields, deviceId, ts}` + `\n`. */
export const lakeLine = (reading: Reading): string => {
  const { fields } = reading
  if (Object.hasOwn(fields, "deviceId") || Object.hasOwn(fields, "ts")) {
    // Spread defines properties, so a published `__proto__` field stays plain data (json.ts).
    return `${JSON.stringify({ ...fields, deviceId: reading.deviceId, ts: reading.sortKey })}\n`
  }
  // The same text without copying the object: JSON.stringify of a spread object is several
  // times slower than of the parsed one, and this runs once per reading. Keys keep their order.
  const body = JSON.stringify(fields)
  const tail = `"deviceId":${JSON.stringify(reading.deviceId)},"ts":${JSON.stringify(reading.sortKey)}}\n`
  return body === "{}" ? `{${tail}` : `${body.slice(0, -1)},${tail}`
}

/**
 * Partition keys of a reading: its device and the UTC hour of its time. The canonical time's
 * digits are already UTC (zone-less times are read as UTC, zoned and epoch times converted:
 * telemetry/timestamp.ts), so slicing it avoids formatting a Date per reading.
 */
export const lakePartitionKeys = (reading: Reading): LakePartitionKeys => {
  const time = reading.time // YYYY-MM-DDTHH:MM:SS[.mmm]
  return {
    device: reading.deviceId,
    year: time.slice(0, 4),
    month: time.slice(5, 7),
    day: time.slice(8, 10),
    hour: time.slice(11, 13),
  }
}

const samePartition = (a: LakePartitionKeys, b: LakePartitionKeys) =>
  a.device === b.device && a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour

const failed = (reason: string): RecordTransformation => ({ result: "ProcessingFailed", reason })

/** The readings of a record's text, or why there are none. */
const readingsOf = (text: string): Result.Result<ReadonlyArray<Reading>, string> => {
  const whole = parseJson(text)
  if (Result.isSuccess(whole)) {
    const reading = readingFromJson(whole.success)
    return Result.isSuccess(reading)
      ? Result.succeed([reading.success])
      : Result.fail(reading.failure.message)
  }
  const lines = text.split("\n")
  const numbered: Array<readonly [number, string]> = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    if (line.trim() !== "") numbered.push([i + 1, line])
  }
  if (numbered.length === 0) return Result.fail("the record holds no reading (it is empty or blank)")
  // One line that did not parse as a whole will not parse alone either: report it plainly.
  if (numbered.length === 1) return Result.fail(whole.failure)
  const readings: Reading[] = []
  for (const [lineNumber, line] of numbered) {
    const parsed = parseJson(line)
    if (Result.isFailure(parsed)) return Result.fail(`line ${lineNumber}: ${parsed.failure}`)
    const reading = readingFromJson(parsed.success)
    if (Result.isFailure(reading)) return Result.fail(`line ${lineNumber}: ${reading.failure.message}`)
    readings.push(reading.success)
  }
  return Result.succeed(readings)
}

/** Transforms one record's bytes. */
export const transformRecord = (
  data: Uint8Array,
  options: RecordTransformOptions = {},
): RecordTransformation => {
  const text = decodeUtf8(data)
  if (Result.isFailure(text)) return failed(text.failure)
  const decoded = readingsOf(text.success)
  if (Result.isFailure(decoded)) return failed(decoded.failure)
  const readings = decoded.success
  const first = readings[0] as Reading
  const partitionKeys = lakePartitionKeys(first)
  for (let i = 1; i < readings.length; i++) {
    const keys = lakePartitionKeys(readings[i] as Reading)
    if (!samePartition(keys, partitionKeys)) {
      return failed(
        `readings in one record fall in different partitions (${JSON.stringify(partitionKeys)} and ${JSON.stringify(keys)}); send them as separate records`,
      )
    }
  }
  let lines = ""
  let kept = 0
  for (const reading of readings) {
    if (options.filter !== undefined && !options.filter(reading)) continue
    lines += lakeLine(reading)
    kept++
  }
  if (kept === 0) {
    return {
      result: "Dropped",
      reason: readings.length === 1 ? "the filter rejected the reading" : "the filter rejected every reading",
    }
  }
  return { result: "Ok", lines, partitionKeys, readings: kept }
}
