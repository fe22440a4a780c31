/**
 * The on-disk frame of one record in a segment file, and its codec.
 *
 *     0  u32 LE  body length
 *     4  u32 LE  CRC-32 of the body
 *     8  body:   u8 flags · u16 LE key length · u48 LE counter · f64 LE arrival (epoch ms)
 *               · partition key (UTF-8) · data
 *
 * Flag bit 0, COMMIT, marks the last frame of one group-commit write (one `write` + `fdatasync`).
 * Recovery keeps frames up to the last valid COMMIT frame and cuts the rest: a write torn by a
 * crash is dropped whole, so the log after a restart holds exactly the groups that were synced
 * — every acknowledged record, and never half a group, nor bytes that merely look like frames.
 * The counter in each frame must be the one expected next, which also catches stale bytes.
 *
 * Segment files have no header: a segment is named by the counter of its first record.
 */
import { crc32 } from "./crc32.ts"

export const FRAME_HEADER_BYTES = 8
export const BODY_HEADER_BYTES = 17
export const FLAG_COMMIT = 1
/** No body is ever larger (1 MiB records); a larger length field is damage, not a record. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024

export interface FrameInput {
  readonly key: Uint8Array
  readonly data: Uint8Array
}

/** A frame decoded in place: positions point into the buffer it was read from. */
export interface Frame {
  readonly offset: number
  readonly size: number
  readonly counter: number
  readonly arrival: number
  readonly commit: boolean
  readonly keyStart: number
  readonly keyLength: number
  readonly dataStart: number
  readonly dataEnd: number
}

export type FrameAt =
  | { readonly kind: "frame"; readonly frame: Frame }
  /** The buffer ends inside the frame; `size` is the whole frame's size when known. */
  | { readonly kind: "incomplete"; readonly size?: number }
  | { readonly kind: "invalid"; readonly reason: string }

export const frameSize = (keyBytes: number, dataBytes: number): number =>
  FRAME_HEADER_BYTES + BODY_HEADER_BYTES + keyBytes + dataBytes

/**
 * Encodes records with consecutive counters from `firstCounter`, all arriving at `arrival`,
 * into one buffer; the last frame carries COMMIT.
 */
export const encodeFrames = (
  inputs: ReadonlyArray<FrameInput>,
  firstCounter: number,
  arrival: number,
): Buffer => {
  let total = 0
  for (const input of inputs) total += frameSize(input.key.length, input.data.length)
  const buffer = Buffer.allocUnsafe(total)
  let offset = 0
  inputs.forEach((input, i) => {
    const bodyStart = offset + FRAME_HEADER_BYTES
    const bodyLength = BODY_HEADER_BYTES + input.key.length + input.data.length
    buffer.writeUInt8(i === inputs.length - 1 ? FLAG_COMMIT : 0, bodyStart)
    buffer.writeUInt16LE(input.key.length, bodyStart + 1)
    buffer.writeUIntLE(firstCounter + i, bodyStart + 3, 6)
    buffer.writeDoubleLE(arrival, bodyStart + 9)
    buffer.set(input.key, bodyStart + BODY_HEADER_BYTES)
    buffer.set(input.data, bodyStart + BODY_HEADER_BYTES + input.key.length)
    buffer.writeUInt32LE(bodyLength, offset)
    buffer.writeUInt32LE(crc32(buffer.subarray(bodyStart, bodyStart + bodyLength)), offset + 4)
    offset = bodyStart + bodyLength
  })
  return buffer
}

/** Decodes the frame at `offset`, looking no further than `end`. */
export const frameAt = (buffer: Buffer, offset: number, end: number = buffer.length): FrameAt => {
  if (end - offset < FRAME_HEADER_BYTES) return { kind: "incomplete" }
  const bodyLength = buffer.readUInt32LE(offset)
  if (bodyLength < BODY_HEADER_BYTES || bodyLength > MAX_BODY_BYTES)
    return { kind: "invalid", reason: `implausible body length ${bodyLength}` }
  const size = FRAME_HEADER_BYTES + bodyLength
  if (end - offset < size) return { kind: "incomplete", size }
  const bodyStart = offset + FRAME_HEADER_BYTES
  if (crc32(buffer.subarray(bodyStart, bodyStart + bodyLength)) !== buffer.readUInt32LE(offset + 4))
    return { kind: "invalid", reason: "CRC mismatch" }
  const keyLength = buffer.readUInt16LE(bodyStart + 1)
  if (BODY_HEADER_BYTES + keyLength > bodyLength) return { kind: "invalid", reason: "key overruns the body" }
  const keyStart = bodyStart + BODY_HEADER_BYTES
  return {
    kind: "frame",
    frame: {
      offset,
      size,
      commit: (buffer.readUInt8(bodyStart) & FLAG_COMMIT) !== 0,
      counter: buffer.readUIntLE(bodyStart + 3, 6),
      arrival: buffer.readDoubleLE(bodyStart + 9),
      keyStart,
      keyLength,
      dataStart: keyStart + keyLength,
      dataEnd: offset + size,
    },
  }
}

export interface ScanResult {
  /** Offset just past the last COMMIT frame: where the durable log ends. */
  readonly committedEnd: number
  /** Counter of the first record after the committed ones. */
  readonly nextCounter: number
  /** Why the scan stopped before the end of the buffer, if it did. */
  readonly stoppedBecause?: string
}

/**
 * Walks frames from `offset` expecting counters from `firstCounter`, calling `visit` for each
 * frame of a committed group (in order, once the group's COMMIT frame is seen), and stops at
 * the first torn, damaged or out-of-sequence frame.
 */
export const scanFrames = (
  buffer: Buffer,
  offset: number,
  firstCounter: number,
  visit: (frame: Frame) => void = () => {},
): ScanResult => {
  let committedEnd = offset
  let nextCounter = firstCounter
  let expected = firstCounter
  const group: Frame[] = []
  let position = offset
  while (position < buffer.length) {
    const at = frameAt(buffer, position)
    if (at.kind === "incomplete") return { committedEnd, nextCounter, stoppedBecause: "torn frame" }
    if (at.kind === "invalid") return { committedEnd, nextCounter, stoppedBecause: at.reason }
    if (at.frame.counter !== expected)
      return {
        committedEnd,
        nextCounter,
        stoppedBecause: `counter ${at.frame.counter} where ${expected} was expected`,
      }
    group.push(at.frame)
    expected++
    position += at.frame.size
    if (at.frame.commit) {
      for (const frame of group) visit(frame)
      group.length = 0
      committedEnd = position
      nextCounter = expected
    }
  }
  return group.length === 0
    ? { committedEnd, nextCounter }
    : { committedEnd, nextCounter, stoppedBecause: "group without its COMMIT frame" }
}
