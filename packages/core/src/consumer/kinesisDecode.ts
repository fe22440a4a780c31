/**
 * The consumer's hot path: Kinesis records in, user records ("entries") with a verdict out.
 *
 * Per Kinesis record: base64 decode; KPL deaggregation (a record without the KPL magic passes
 * through as one user record; an aggregate whose MD5 or protobuf is wrong is one poison entry
 * with the reason); then each user record's payload is decoded and validated as a hands-on
 * reading (`decodeReading`: size, UTF-8, JSON, fields). A trailing separator (`\n`, `\r\n`)
 * needs no special case — it is JSON whitespace. Every entry keeps its Kinesis coordinates
 * (record index, sequence number, KPL sub-sequence index) so outcomes map back to the record
 * Lambda must retry from, and dead letters say exactly where the record was.
 *
 * Plain synchronous code by design (decision 0002), and tuned (decision 0303):
 * - base64 goes through `atob`, about twice as fast as `Buffer.from` for short records; when
 *   the result is pure ASCII it is already the payload's text (and cannot carry the KPL magic,
 *   whose bytes are ≥ 0x80). Anything else takes the byte path, with strict UTF-8 decoding.
 * - the table item is the parsed payload itself, with `deviceId` and `ts` added in place —
 *   exactly what `itemOf` builds by spreading, without the copy, which costs more than the
 *   JSON parse.
 * - an entry holds only what the rest of the batch needs (not the `Reading`), and records are
 *   decoded a chunk at a time, so little stays alive for the garbage collector to copy.
 */
import { deaggregate, hasKplMagic } from "../batching/kpl.ts"
import type { Item } from "../ports/table.ts"
import { decodeReading, handsOnSortKey, readingFromJson } from "../telemetry/handsOnCodec.ts"
import type { JsonObject } from "../telemetry/json.ts"
import { IOT_CORE_MAX_PAYLOAD_BYTES } from "../telemetry/limits.ts"
import type { KinesisStreamEvent, KinesisStreamRecord } from "./kinesisEvent.ts"

/** Why an entry can never be written: the reason, and the field at fault when there is one. */
export interface PoisonVerdict {
  readonly reason: string
  readonly field: string | undefined
}

/** One user record of the batch: a valid reading (with its table item), or poison. */
export interface Entry {
  /** Position of its Kinesis record in `event.Records`. */
  readonly recordIndex: number
  readonly sequenceNumber: string
  /** Index within a KPL aggregate; undefined for a plain record or a corrupt aggregate. */
  readonly subSequenceNumber: number | undefined
  /** The user record's partition key: the unit of order in ordered mode. */
  readonly partitionKey: string
  /** The table item: the parsed payload with `deviceId` and `ts`; undefined for poison. */
  readonly item: Item | undefined
  /** An upper bound on the item's JSON size, when the payload's text gives one cheaply. */
  readonly bytes: number | undefined
  readonly poison: PoisonVerdict | undefined
  /** The user record's bytes: base64 text as delivered, or raw bytes of a KPL sub-record. */
  readonly payload: string | Uint8Array
}

/**
 * Sizing an item without serializing it: re-serializing parsed JSON never makes it longer than
 * the text it came from — whitespace, escapes, duplicate keys and number spellings only shrink —
 * except numbers with an exponent, and the worst of those (`1e20`, 4 characters, prints as 21)
 * grows 5.25 times. So for ASCII text (bytes = characters), `REPRINT_GROWTH` times its length
 * plus the two key attributes (`,"deviceId":"…","ts":"…"`, ASCII by construction) bounds the
 * item's JSON — with no scan of the text. The bound only steers batch planning; when it exceeds
 * the table's item limit, `executeIntents` measures the item exactly instead.
 */
const REPRINT_GROWTH = 6
const KEY_ATTRIBUTES_JSON_BYTES = 24

/** What `JSON.parse` gave when the text was not JSON (no parse can return it). */
const NOT_JSON = Symbol("not JSON")

const parseOrNot = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return NOT_JSON
  }
}

/** The entry of a valid reading: its parsed payload becomes the item in place (see the note above). */
const readingEntry = (
  recordIndex: number,
  sequenceNumber: string,
  subSequenceNumber: number | undefined,
  partitionKey: string,
  payload: string | Uint8Array,
  fields: JsonObject,
  deviceId: string,
  sortKey: string,
  textLength: number | undefined,
): Entry => {
  const item = fields as { -readonly [K in keyof Item]: Item[K] }
  item.deviceId = deviceId
  item.ts = sortKey
  const bytes =
    textLength === undefined
      ? undefined
      : textLength * REPRINT_GROWTH + KEY_ATTRIBUTES_JSON_BYTES + deviceId.length + sortKey.length
  return {
    recordIndex,
    sequenceNumber,
    subSequenceNumber,
    partitionKey,
    item,
    bytes,
    poison: undefined,
    payload,
  }
}

/**
 * Decodes a user record's content — ASCII text (its length is its size in bytes) or bytes. Text
 * is parsed directly and a hands-on reading recognised without building its `Reading`
 * (`handsOnSortKey`); every other case, failures included, is left to the codec itself
 * (`readingFromJson`, `decodeReading`), so verdicts and their wording are the codec's own.
 */
const entryOf = (
  recordIndex: number,
  sequenceNumber: string,
  subSequenceNumber: number | undefined,
  partitionKey: string,
  payload: string | Uint8Array,
  content: Uint8Array | string,
): Entry => {
  let decoded: ReturnType<typeof decodeReading>
  if (typeof content === "string" && content.length <= IOT_CORE_MAX_PAYLOAD_BYTES) {
    const parsed = parseOrNot(content)
    if (parsed === NOT_JSON) decoded = decodeReading(content)
    else {
      const sortKey = handsOnSortKey(parsed)
      if (sortKey !== undefined) {
        const fields = parsed as JsonObject
        return readingEntry(
          recordIndex,
          sequenceNumber,
          subSequenceNumber,
          partitionKey,
          payload,
          fields,
          fields.DEVICE_NAME as string,
          sortKey,
          content.length,
        )
      }
      decoded = readingFromJson(parsed)
    }
  } else decoded = decodeReading(content)
  if (decoded._tag === "Failure") {
    const { reason, field } = decoded.failure
    return poisonEntry(recordIndex, sequenceNumber, subSequenceNumber, partitionKey, payload, {
      reason,
      field,
    })
  }
  const reading = decoded.success
  return readingEntry(
    recordIndex,
    sequenceNumber,
    subSequenceNumber,
    partitionKey,
    payload,
    reading.fields,
    reading.deviceId,
    reading.sortKey,
    typeof content === "string" ? content.length : undefined,
  )
}

const poisonEntry = (
  recordIndex: number,
  sequenceNumber: string,
  subSequenceNumber: number | undefined,
  partitionKey: string,
  payload: string | Uint8Array,
  poison: PoisonVerdict,
): Entry => ({
  recordIndex,
  sequenceNumber,
  subSequenceNumber,
  partitionKey,
  item: undefined,
  bytes: undefined,
  poison,
  payload,
})

/** The record's bytes as text when they are pure ASCII (hence valid UTF-8 and not KPL), else undefined. */
const asciiText = (base64: string): string | undefined => {
  let binary: string
  try {
    binary = atob(base64)
  } catch {
    return undefined // not strict base64: Buffer.from decodes it leniently, as Lambda's SDKs do
  }
  // atob gives one char per byte: the text is ASCII exactly when none takes two bytes in UTF-8
  // (a native count, several times cheaper than a regex over the string).
  return Buffer.byteLength(binary, "utf8") === binary.length ? binary : undefined
}

/** Appends the entries of one Kinesis record. */
const decodeRecord = (record: KinesisStreamRecord, recordIndex: number, out: Entry[]): void => {
  const { data, partitionKey, sequenceNumber } = record.kinesis
  const text = asciiText(data)
  if (text !== undefined) {
    out.push(entryOf(recordIndex, sequenceNumber, undefined, partitionKey, data, text))
    return
  }
  const bytes = Buffer.from(data, "base64")
  if (!hasKplMagic(bytes)) {
    out.push(entryOf(recordIndex, sequenceNumber, undefined, partitionKey, data, bytes))
    return
  }
  const split = deaggregate(bytes)
  if (split.kind === "aggregated") {
    const users = split.records
    for (let sub = 0; sub < users.length; sub++) {
      const user = users[sub] as (typeof users)[0]
      out.push(entryOf(recordIndex, sequenceNumber, sub, user.partitionKey, user.data, user.data))
    }
  } else if (split.kind === "corrupt") {
    const poison = { reason: split.reason, field: undefined }
    out.push(poisonEntry(recordIndex, sequenceNumber, undefined, partitionKey, data, poison))
  } else out.push(entryOf(recordIndex, sequenceNumber, undefined, partitionKey, data, bytes))
}

/**
 * Decodes records from `start` until at least `minEntries` entries are in `out` (a KPL
 * aggregate is never split) or the records run out; returns the index of the next record.
 */
export const decodeRecords = (
  records: ReadonlyArray<KinesisStreamRecord>,
  start: number,
  minEntries: number,
  out: Entry[],
): number => {
  let index = start
  while (index < records.length && out.length < minEntries) {
    decodeRecord(records[index] as KinesisStreamRecord, index, out)
    index++
  }
  return index
}

/** Decodes every record of the event into entries, in shard order. Never throws on bad data. */
export const decodeKinesisEvent = (event: KinesisStreamEvent): Entry[] => {
  const entries: Entry[] = []
  decodeRecords(event.Records, 0, Number.POSITIVE_INFINITY, entries)
  return entries
}
