/**
 * Invariants 2 and 3 on the table, checked after every step.
 *
 * Effectively once: every reading in the table is exactly the item some published reading
 * produces (`{...fields, deviceId, ts}`), under that reading's key — duplicates, retries,
 * reorders and crashes may rewrite it, never change it or add anything. (Two readings of one
 * device in one second without SEQ share a key — the hands-on's known weakness — so either may
 * be the one kept.)
 *
 * Per-device order, on the latest-state records:
 * - never backwards: a device's latest `ts` never decreases from one step to the next;
 * - never ahead of its own reading: the latest record is a reading the table holds;
 * - never overtaking: when the latest record reflects a reading, every earlier record of that
 *   device's partition key in its shard (before the reading's first appearance) is resolved —
 *   stored or dead-lettered. A later reading becoming the latest while an earlier one is still
 *   retrying is exactly what a partial batch failure must not cause.
 */
import type { Item } from "@sluice/core"
import { canonicalJson, type Message, tableKeyOf } from "../world/ledger.ts"
import { messageIdIn } from "../world/payloads.ts"
import type { TracedRecord } from "./traces.ts"

export interface TableInput {
  readonly messages: ReadonlyArray<Message>
  readonly readings: ReadonlyMap<string, Item>
  readonly latest: ReadonlyMap<string, Item>
  /** Every record of the kinesis stream, by shard. */
  readonly records: ReadonlyMap<string, ReadonlyArray<TracedRecord>>
  /** Whether a message's table delivery is resolved (stored or dead-lettered). */
  readonly resolved: (messageId: number) => boolean
}

/** Remembered between steps: each device's latest ts, and canonical forms already computed. */
export interface TableMemory {
  readonly latestTs: Map<string, string>
  readonly canonical: WeakMap<object, string>
}

export const makeTableMemory = (): TableMemory => ({ latestTs: new Map(), canonical: new WeakMap() })

/** Canonical items every published reading could leave under each key. */
const candidatesByKey = (messages: ReadonlyArray<Message>, memory: TableMemory) => {
  const byKey = new Map<string, Set<string>>()
  for (const message of messages)
    for (const delivery of message.deliveries) {
      if (delivery.item === undefined) continue
      const key = tableKeyOf(delivery.item)
      const set = byKey.get(key) ?? new Set<string>()
      set.add(canonicalOf(delivery.item, memory))
      byKey.set(key, set)
    }
  return byKey
}

const canonicalOf = (item: object, memory: TableMemory) => {
  let text = memory.canonical.get(item)
  if (text === undefined) {
    text = canonicalJson(item)
    memory.canonical.set(item, text)
  }
  return text
}

export const checkTable = (input: TableInput, memory: TableMemory): string[] => {
  const violations: string[] = []
  const candidates = candidatesByKey(input.messages, memory)
  for (const [key, item] of input.readings) {
    const allowed = candidates.get(key)
    if (allowed === undefined)
      violations.push(`the table holds ${item.deviceId}/${item.ts}, which no device published`)
    else if (!allowed.has(canonicalOf(item, memory)))
      violations.push(
        `the table's ${item.deviceId}/${item.ts} differs from every reading published under that key`,
      )
  }
  for (const [deviceId, latest] of input.latest) {
    const before = memory.latestTs.get(deviceId)
    if (before !== undefined && latest.ts < before)
      violations.push(`the latest state of ${deviceId} moved backwards, from ${before} to ${latest.ts}`)
    memory.latestTs.set(deviceId, before !== undefined && before > latest.ts ? before : latest.ts)
    const key = tableKeyOf(latest)
    if (!input.readings.has(key))
      violations.push(`the latest state of ${deviceId} (${latest.ts}) is not a reading in the table`)
    else if (!candidates.get(key)?.has(canonicalOf(latest, memory)))
      violations.push(`the latest state of ${deviceId} (${latest.ts}) is not an item any reading produced`)
    const messageId = messageIdIn(String(latest.MSG ?? ""))
    if (messageId !== undefined)
      violations.push(
        ...overtaking(input, deviceId, latest, messageId),
        ...overtakingPublished(input, deviceId, latest, messageId),
      )
  }
  return violations
}

/**
 * Readings the same device published before the latest one (and timed before it) that are still
 * unresolved — retrying at the device or in the stream. With one message in flight per device
 * the stream check above implies this one; with a window of several, a refused message can be
 * resent after a later one was already made durable (test/knownGaps.test.ts).
 */
const overtakingPublished = (
  input: TableInput,
  deviceId: string,
  latest: Item,
  messageId: number,
): string[] => {
  const owner = input.messages[messageId]
  if (owner === undefined) return []
  for (const message of input.messages) {
    if (message.id >= messageId) break
    if (message.device !== owner.device) continue
    const delivery = message.deliveries.find((d) => d.item !== undefined && d.expect === "stored")
    if (delivery?.item === undefined || !(delivery.item.ts < latest.ts)) continue
    if (!input.resolved(message.id))
      return [
        `the latest state of ${deviceId} is ${latest.ts} (message ${messageId}), but message ${message.id}, published before it by the same device, is still unresolved`,
      ]
  }
  return []
}

/** Earlier records of the latest reading's key that are still unresolved. */
const overtaking = (input: TableInput, deviceId: string, latest: Item, messageId: number): string[] => {
  for (const [shardId, records] of input.records) {
    const first = records.findIndex((record) => record.messageId === messageId)
    if (first < 0) continue
    const key = (records[first] as TracedRecord).partitionKey
    for (let i = 0; i < first; i++) {
      const record = records[i] as TracedRecord
      if (record.partitionKey !== key || record.messageId === undefined) continue
      if (!input.resolved(record.messageId))
        return [
          `the latest state of ${deviceId} is ${latest.ts} (message ${messageId}), but message ${record.messageId}, earlier in ${shardId} under the same key, is still unresolved`,
        ]
    }
    return []
  }
  return []
}
