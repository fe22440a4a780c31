/**
 * KPL record aggregation: many user records in one Kinesis record.
 *
 * Format (Kinesis Producer Library, "aggregation format"): the magic bytes F3 89 9A C2, then a
 * protobuf `AggregatedRecord { repeated string partition_key_table = 1; repeated string
 * explicit_hash_key_table = 2; repeated Record records = 3 }` with `Record { uint64
 * partition_key_index = 1; uint64 explicit_hash_key_index = 2; bytes data = 3; repeated Tag tags
 * = 4 }`, then the 16-byte MD5 of the protobuf bytes. Protobuf is encoded by hand: the format
 * is four fields deep and this runs per record on the consumer's hot path.
 *
 * Deaggregation tells three cases apart: `plain` (no magic: an ordinary record, passed through),
 * `aggregated`, and `corrupt` (magic present but the checksum or protobuf is wrong — a record
 * that can never decode, which the consumer dead-letters with the reason).
 */
import { createHash } from "node:crypto"

export const KPL_MAGIC = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2)
const MD5_BYTES = 16

export interface UserRecord {
  readonly partitionKey: string
  readonly explicitHashKey?: string
  readonly data: Uint8Array
}

export type Deaggregated =
  | { readonly kind: "plain" }
  | { readonly kind: "aggregated"; readonly records: ReadonlyArray<UserRecord> }
  | { readonly kind: "corrupt"; readonly reason: string }

const textDecoder = new TextDecoder()
const textEncoder = new TextEncoder()

export const hasKplMagic = (bytes: Uint8Array): boolean =>
  bytes.length >= 4 &&
  bytes[0] === KPL_MAGIC[0] &&
  bytes[1] === KPL_MAGIC[1] &&
  bytes[2] === KPL_MAGIC[2] &&
  bytes[3] === KPL_MAGIC[3]

class ProtobufError extends Error {}

/** A cursor over protobuf bytes; throws ProtobufError on malformed input (caught below). */
class Reader {
  pos: number
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start
  }
  varint(): number {
    let result = 0
    let shift = 0
    for (;;) {
      if (this.pos >= this.end) throw new ProtobufError("truncated varint")
      const byte = this.bytes[this.pos++] as number
      if (shift < 49) result += (byte & 0x7f) * 2 ** shift
      else if ((byte & 0x7f) !== 0) throw new ProtobufError("varint exceeds 2^53")
      if ((byte & 0x80) === 0) return result
      shift += 7
      if (shift > 63) throw new ProtobufError("varint too long")
    }
  }
  lengthDelimited(): [number, number] {
    const length = this.varint()
    const start = this.pos
    if (start + length > this.end) throw new ProtobufError("length-delimited field runs past its message")
    this.pos = start + length
    return [start, start + length]
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint()
    else if (wireType === 2) this.lengthDelimited()
    else if (wireType === 1) this.pos += 8
    else if (wireType === 5) this.pos += 4
    else throw new ProtobufError(`unsupported wire type ${wireType}`)
    if (this.pos > this.end) throw new ProtobufError("field runs past its message")
  }
}

interface RawRecord {
  partitionKeyIndex: number
  explicitHashKeyIndex: number | undefined
  data: Uint8Array
}

const parseRecord = (bytes: Uint8Array, start: number, end: number): RawRecord => {
  const reader = new Reader(bytes, start, end)
  let partitionKeyIndex: number | undefined
  let explicitHashKeyIndex: number | undefined
  let data: Uint8Array | undefined
  while (reader.pos < end) {
    const tag = reader.varint()
    const field = Math.floor(tag / 8)
    const wireType = tag & 7
    if (field === 1 && wireType === 0) partitionKeyIndex = reader.varint()
    else if (field === 2 && wireType === 0) explicitHashKeyIndex = reader.varint()
    else if (field === 3 && wireType === 2) {
      const [s, e] = reader.lengthDelimited()
      data = bytes.subarray(s, e)
    } else reader.skip(wireType)
  }
  if (partitionKeyIndex === undefined || data === undefined)
    throw new ProtobufError("record lacks partition key or data")
  return { partitionKeyIndex, explicitHashKeyIndex, data }
}

/** Splits a Kinesis record's data into its user records, if it is a KPL aggregate. */
export const deaggregate = (bytes: Uint8Array): Deaggregated => {
  if (!hasKplMagic(bytes)) return { kind: "plain" }
  if (bytes.length < KPL_MAGIC.length + MD5_BYTES)
    return { kind: "corrupt", reason: "KPL record is shorter than its header and checksum" }
  const end = bytes.length - MD5_BYTES
  const body = bytes.subarray(KPL_MAGIC.length, end)
  const digest = createHash("md5").update(body).digest()
  for (let i = 0; i < MD5_BYTES; i++) {
    if (digest[i] !== bytes[end + i]) return { kind: "corrupt", reason: "KPL record fails its MD5 check" }
  }
  try {
    const reader = new Reader(bytes, KPL_MAGIC.length, end)
    const partitionKeys: string[] = []
    const hashKeys: string[] = []
    const raw: RawRecord[] = []
    while (reader.pos < end) {
      const tag = reader.varint()
      const field = Math.floor(tag / 8)
      const wireType = tag & 7
      if (wireType === 2 && field >= 1 && field <= 3) {
        const [s, e] = reader.lengthDelimited()
        if (field === 1) partitionKeys.push(textDecoder.decode(bytes.subarray(s, e)))
        else if (field === 2) hashKeys.push(textDecoder.decode(bytes.subarray(s, e)))
        else raw.push(parseRecord(bytes, s, e))
      } else reader.skip(wireType)
    }
    const records = raw.map((record): UserRecord => {
      const partitionKey = partitionKeys[record.partitionKeyIndex]
      if (partitionKey === undefined)
        throw new ProtobufError(`partition key index ${record.partitionKeyIndex} is out of range`)
      if (record.explicitHashKeyIndex === undefined) return { partitionKey, data: record.data }
      const explicitHashKey = hashKeys[record.explicitHashKeyIndex]
      if (explicitHashKey === undefined)
        throw new ProtobufError(`explicit hash key index ${record.explicitHashKeyIndex} is out of range`)
      return { partitionKey, explicitHashKey, data: record.data }
    })
    return { kind: "aggregated", records }
  } catch (error) {
    if (error instanceof ProtobufError)
      return { kind: "corrupt", reason: `KPL record is malformed: ${error.message}` }
    throw error
  }
}

// ---- aggregation ----

const varintSize = (value: number): number => {
  let size = 1
  while (value >= 0x80) {
    value = Math.floor(value / 128)
    size++
  }
  return size
}

class Writer {
  readonly bytes: Uint8Array
  pos = 0
  constructor(size: number) {
    this.bytes = new Uint8Array(size)
  }
  varint(value: number): void {
    while (value >= 0x80) {
      this.bytes[this.pos++] = (value % 128) | 0x80
      value = Math.floor(value / 128)
    }
    this.bytes[this.pos++] = value
  }
  field(tag: number, payload: Uint8Array): void {
    this.varint(tag)
    this.varint(payload.length)
    this.bytes.set(payload, this.pos)
    this.pos += payload.length
  }
}

const fieldSize = (payloadLength: number) => 1 + varintSize(payloadLength) + payloadLength

/**
 * The bytes of one record's entry inside an aggregate (tag, length, body), so planners can
 * add records until an aggregate reaches a size limit without encoding it.
 */
export const aggregatedEntrySize = (dataLength: number, partitionKeyIndex = 0): number => {
  const body = 1 + varintSize(partitionKeyIndex) + fieldSize(dataLength)
  return fieldSize(body)
}

/** Fixed bytes of an aggregate with these partition keys: magic, key table and checksum. */
export const aggregateOverhead = (partitionKeys: ReadonlyArray<string>): number =>
  KPL_MAGIC.length +
  MD5_BYTES +
  partitionKeys.reduce((sum, key) => sum + fieldSize(textEncoder.encode(key).length), 0)

/** Encodes user records as one KPL aggregated record. */
export const aggregate = (records: ReadonlyArray<UserRecord>): Uint8Array => {
  const keyIndex = new Map<string, number>()
  const hashIndex = new Map<string, number>()
  for (const record of records) {
    if (!keyIndex.has(record.partitionKey)) keyIndex.set(record.partitionKey, keyIndex.size)
    if (record.explicitHashKey !== undefined && !hashIndex.has(record.explicitHashKey)) {
      hashIndex.set(record.explicitHashKey, hashIndex.size)
    }
  }
  const keys = [...keyIndex.keys()].map((key) => textEncoder.encode(key))
  const hashes = [...hashIndex.keys()].map((key) => textEncoder.encode(key))
  const bodies = records.map((record) => {
    const pk = keyIndex.get(record.partitionKey) as number
    const ehk =
      record.explicitHashKey === undefined ? undefined : (hashIndex.get(record.explicitHashKey) as number)
    const size =
      1 + varintSize(pk) + (ehk === undefined ? 0 : 1 + varintSize(ehk)) + fieldSize(record.data.length)
    const writer = new Writer(size)
    writer.varint(0x08)
    writer.varint(pk)
    if (ehk !== undefined) {
      writer.varint(0x10)
      writer.varint(ehk)
    }
    writer.field(0x1a, record.data)
    return writer.bytes
  })
  const protobufSize = [...keys, ...hashes, ...bodies].reduce((sum, part) => sum + fieldSize(part.length), 0)
  const writer = new Writer(KPL_MAGIC.length + protobufSize + MD5_BYTES)
  writer.bytes.set(KPL_MAGIC, 0)
  writer.pos = KPL_MAGIC.length
  for (const key of keys) writer.field(0x0a, key)
  for (const hash of hashes) writer.field(0x12, hash)
  for (const body of bodies) writer.field(0x1a, body)
  const digest = createHash("md5").update(writer.bytes.subarray(KPL_MAGIC.length, writer.pos)).digest()
  writer.bytes.set(digest, writer.pos)
  return writer.bytes
}
