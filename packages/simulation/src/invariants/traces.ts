/**
 * Where each message's traces are, read from the durable stores only: stream records, dead
 * letters, lake objects. The checks never ask a component what it did; they look.
 *
 * Streams and lake objects are append-only (a lake object is never rewritten: the local
 * delivery stream picks a free name), so both are indexed incrementally — each record or
 * object is decoded once per run, not once per step.
 */
import { gunzipSync } from "node:zlib"
import type { DeadLetter } from "@sluice/core"
import { messageIdIn } from "../world/payloads.ts"
import type { Ports } from "../world/ports.ts"

const decoder = new TextDecoder()

export interface TracedRecord {
  readonly index: number
  readonly sequenceNumber: bigint
  readonly partitionKey: string
  readonly text: string
  readonly messageId: number | undefined
}

export interface LakeTrace {
  /** Messages with a line in a data object (telemetry/). */
  readonly data: Set<number>
  /** Messages in an error object (errors/). */
  readonly errors: Set<number>
  /** Objects that are not whole gzip of whole JSON lines, or have a bad key. */
  readonly damaged: string[]
  /** Data lines by message, as written (compared with the table's items). */
  readonly lines: Map<number, string[]>
}

export const makeTraceIndex = (ports: Ports) => {
  const records = new Map<string, Map<string, TracedRecord[]>>()
  const objects = new Map<
    string,
    { data: number[]; errors: number[]; damaged?: string; lines: Array<[number, string]> }
  >()

  /** Every record of every shard of a stream, decoded once. */
  const streamRecords = (name: string): Map<string, TracedRecord[]> => {
    let byShard = records.get(name)
    if (byShard === undefined) {
      byShard = new Map()
      records.set(name, byShard)
    }
    for (const shard of ports.streams.get(name)?.state.shards ?? []) {
      const traced = byShard.get(shard.shardId) ?? []
      byShard.set(shard.shardId, traced)
      for (let i = traced.length; i < shard.records.length; i++) {
        const record = shard.records[i] as (typeof shard.records)[number]
        const text = decoder.decode(record.data)
        traced.push({
          index: i,
          sequenceNumber: BigInt(record.sequenceNumber),
          partitionKey: record.partitionKey,
          text,
          messageId: messageIdIn(text),
        })
      }
    }
    return byShard
  }

  const readObject = (key: string, body: Uint8Array) => {
    const entry: { data: number[]; errors: number[]; damaged?: string; lines: Array<[number, string]> } = {
      data: [],
      errors: [],
      lines: [],
    }
    let text: string
    try {
      text = gunzipSync(body).toString("utf8")
    } catch (error) {
      return { ...entry, damaged: `${key}: not a whole gzip object (${(error as Error).message})` }
    }
    if (!text.endsWith("\n")) return { ...entry, damaged: `${key}: does not end with a whole line` }
    for (const line of text.slice(0, -1).split("\n")) {
      let value: unknown
      try {
        value = JSON.parse(line)
      } catch {
        return { ...entry, damaged: `${key}: a line is not JSON` }
      }
      if (key.startsWith("errors/")) {
        const raw = (value as { rawData?: unknown }).rawData
        const id =
          typeof raw === "string" ? messageIdIn(Buffer.from(raw, "base64").toString("utf8")) : undefined
        if (id !== undefined) entry.errors.push(id)
      } else {
        const id = messageIdIn(String((value as { MSG?: unknown }).MSG ?? ""))
        if (id !== undefined) {
          entry.data.push(id)
          entry.lines.push([id, line])
        }
      }
    }
    return entry
  }

  /** The lake as it stands: which messages it holds, and any damaged object. */
  const lake = (stored: ReadonlyMap<string, Uint8Array>): LakeTrace => {
    for (const key of objects.keys()) if (!stored.has(key)) objects.delete(key)
    const trace: LakeTrace = { data: new Set(), errors: new Set(), damaged: [], lines: new Map() }
    for (const [key, body] of stored) {
      let entry = objects.get(key)
      if (entry === undefined) {
        entry = readObject(key, body)
        objects.set(key, entry)
      }
      if (entry.damaged !== undefined) trace.damaged.push(entry.damaged)
      for (const id of entry.data) trace.data.add(id)
      for (const id of entry.errors) trace.errors.add(id)
      for (const [id, line] of entry.lines) trace.lines.set(id, [...(trace.lines.get(id) ?? []), line])
    }
    return trace
  }

  return { streamRecords, lake }
}

export type TraceIndex = ReturnType<typeof makeTraceIndex>

/** Dead letters by message, with their ids (the id's prefix says who wrote it). */
export const lettersByMessage = (letters: Iterable<DeadLetter>): Map<number, DeadLetter[]> => {
  const byMessage = new Map<number, DeadLetter[]>()
  for (const letter of letters) {
    const id = messageIdIn(Buffer.from(letter.payload, "base64").toString("utf8"))
    if (id === undefined) continue
    byMessage.set(id, [...(byMessage.get(id) ?? []), letter])
  }
  return byMessage
}
