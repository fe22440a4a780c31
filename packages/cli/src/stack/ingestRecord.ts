/**
 * The ingest record: one MQTT publish as the broker accepted it, as bytes in the ingest log.
 *
 * Layout (big-endian): u8 version (1) · u16 topic length · topic (UTF-8) · u16 client-id length ·
 * client id · f64 received-at (epoch ms) · payload (the rest, exactly as published). Binary,
 * because payloads may be binary (IoT Core passes them through) and base64 would cost a third
 * more on the durable path.
 */
const VERSION = 1
const encoder = new TextEncoder()
const decoder = new TextDecoder()

export interface IngestRecord {
  readonly topic: string
  readonly clientId: string
  readonly receivedAt: number
  readonly payload: Uint8Array
}

export const encodeIngestRecord = (record: IngestRecord): Uint8Array => {
  const topic = encoder.encode(record.topic)
  const client = encoder.encode(record.clientId)
  if (topic.length > 0xffff || client.length > 0xffff)
    throw new RangeError("topic or client id over 65535 bytes")
  const out = new Uint8Array(1 + 2 + topic.length + 2 + client.length + 8 + record.payload.length)
  const view = new DataView(out.buffer)
  let at = 0
  view.setUint8(at, VERSION)
  at += 1
  view.setUint16(at, topic.length)
  at += 2
  out.set(topic, at)
  at += topic.length
  view.setUint16(at, client.length)
  at += 2
  out.set(client, at)
  at += client.length
  view.setFloat64(at, record.receivedAt)
  at += 8
  out.set(record.payload, at)
  return out
}

/** Decodes an ingest record; undefined if the bytes are not one (never throws). */
export const decodeIngestRecord = (bytes: Uint8Array): IngestRecord | undefined => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes.length < 13 || view.getUint8(0) !== VERSION) return undefined
  let at = 1
  const topicLength = view.getUint16(at)
  at += 2
  if (at + topicLength + 2 > bytes.length) return undefined
  const topic = decoder.decode(bytes.subarray(at, at + topicLength))
  at += topicLength
  const clientLength = view.getUint16(at)
  at += 2
  if (at + clientLength + 8 > bytes.length) return undefined
  const clientId = decoder.decode(bytes.subarray(at, at + clientLength))
  at += clientLength
  const receivedAt = view.getFloat64(at)
  at += 8
  return { topic, clientId, receivedAt, payload: bytes.subarray(at) }
}
