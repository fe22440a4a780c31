/**
 * Every invariant of DESIGN.md, checked against the world after a step:
 *
 * 1. accounting (accounting.ts) — and 4, no silent loss: an accepted delivery is stored, dead,
 *    dropped or durably in flight, never nowhere;
 * 2. effectively once and 3. per-device order (tableState.ts);
 * 5. poison never blocks — here, that poison is never stored; that it never blocks a shard is
 *    checked by the drain (drain.ts), which must finish every stream in bounded rounds;
 * 6. limits — every call the adapters saw, within its service's limits (world/ports.ts, and
 *    the mapping's BatchSize and 6 MB payload in consumerShard.ts).
 * Besides: lake objects are whole (gzip of whole JSON lines) under valid keys, data lines are
 * the table's items, and no hostile payload has polluted a prototype.
 */
import { objectKeyProblem } from "@sluice/core"
import { CONSUMER_NAME } from "../world/consumerShard.ts"
import { LAKE_CONSUMER } from "../world/lake.ts"
import { canonicalJson, SEARCH_STREAM, tableKeyOf } from "../world/ledger.ts"
import { KINESIS_STREAM, LAKE_STREAM } from "../world/ports.ts"
import { SEARCH_CONSUMER } from "../world/searchIndexer.ts"
import type { World } from "../world/world.ts"
import { checkAccounting, type Pipeline, type Tally } from "./accounting.ts"
import { checkTable, makeTableMemory } from "./tableState.ts"
import { lettersByMessage, makeTraceIndex, type TracedRecord } from "./traces.ts"

export interface Violation {
  readonly invariant: string
  readonly message: string
}

const CONSUMERS: Record<string, string> = {
  [KINESIS_STREAM]: CONSUMER_NAME,
  [LAKE_STREAM]: LAKE_CONSUMER,
  [SEARCH_STREAM]: SEARCH_CONSUMER,
}

const prototypeClean = (): string | undefined => {
  const probe = {} as Record<string, unknown>
  if (probe.polluted !== undefined || Object.keys(Object.prototype).length > 0)
    return "Object.prototype was polluted by a payload"
  return undefined
}

/** Table keys that two or more messages would write (same device, same second, no SEQ), with them. */
const sharedKeys = (messages: World["messages"]): Map<string, number[]> => {
  const byKey = new Map<string, number[]>()
  for (const message of messages)
    for (const delivery of message.deliveries) {
      if (delivery.item === undefined) continue
      const key = tableKeyOf(delivery.item)
      byKey.set(key, [...(byKey.get(key) ?? []), message.id])
    }
  for (const [key, ids] of byKey) if (ids.length < 2) byKey.delete(key)
  return byKey
}

export const makeChecker = (world: World) => {
  const traces = makeTraceIndex(world.ports)
  const memory = makeTableMemory()

  /** Records of a stream after its consumer's durable checkpoint. */
  const pending = (stream: string): TracedRecord[] => {
    const consumer = CONSUMERS[stream] as string
    const out: TracedRecord[] = []
    for (const [shardId, records] of traces.streamRecords(stream)) {
      const checkpoint = world.ports.checkpointState.get(consumer)?.get(shardId)
      const after = checkpoint === undefined ? -1n : BigInt(checkpoint)
      for (const record of records) if (record.sequenceNumber > after) out.push(record)
    }
    return out
  }

  const check = (): { violations: Violation[]; tallies: Record<Pipeline, Tally> } => {
    const violations: Violation[] = []
    const add = (invariant: string, messages: ReadonlyArray<string>) => {
      for (const message of messages) violations.push({ invariant, message })
    }
    const { ports, messages } = world
    const readings = ports.tableState.readings
    const tableKeys = new Set<string>()
    for (const item of readings.values()) tableKeys.add(tableKeyOf(item))
    const letters = lettersByMessage(ports.letters.values())
    const shared = sharedKeys(messages)
    const lake = traces.lake(ports.objectState.objects)
    const accounting = checkAccounting({
      messages,
      tableItems: readings,
      sharedKeys: shared,
      letters,
      allLetterIds: new Set(ports.letters.keys()),
      lake,
      indexed: (index, id) => ports.searchState.indexes.get(index)?.documents.has(id) ?? false,
      pending,
    })
    add("accounting", accounting.violations)

    // Resolved for ordering: stored, dead-lettered, or never storable at all (poison cannot be
    // overtaken: it will never be a reading, let alone the latest one).
    const resolved = (messageId: number) => {
      const message = messages[messageId]
      if (message === undefined) return false
      const delivery = message.deliveries.find((d) => d.stream === KINESIS_STREAM)
      if (delivery?.expect !== "stored") return true
      const item = delivery.item
      const key = item === undefined ? undefined : tableKeyOf(item)
      if (key !== undefined && tableKeys.has(key)) return true
      // Another payload of the same reading (same key) seen first settles it too.
      const siblings = key === undefined ? [messageId] : (shared.get(key) ?? [messageId])
      return siblings.some((id) =>
        (letters.get(id) ?? []).some(
          (l) => l.id.startsWith("rule/") || l.id.startsWith(`${KINESIS_STREAM}/`) || l.id.startsWith("esm/"),
        ),
      )
    }
    add(
      "effectively once / per-device order",
      checkTable(
        {
          messages,
          readings,
          latest: ports.tableState.latest,
          records: traces.streamRecords(KINESIS_STREAM),
          resolved,
        },
        memory,
      ),
    )

    add("lake objects whole", lake.damaged)
    for (const key of ports.objectState.objects.keys()) {
      const problem = objectKeyProblem(key)
      if (problem !== undefined) add("lake keys", [`lake object ${JSON.stringify(key)} ${problem}`])
    }
    for (const [id, lines] of lake.lines) {
      const item = messages[id]?.deliveries.find((d) => d.stream === KINESIS_STREAM)?.item
      if (item === undefined) continue
      const expected = canonicalJson(item)
      for (const line of lines)
        if (canonicalJson(JSON.parse(line)) !== expected)
          add("lake line is the stored item", [`message ${id}: the lake line differs from its table item`])
    }
    add("limits", ports.limitViolations.splice(0))
    const polluted = prototypeClean()
    if (polluted) add("no prototype pollution", [polluted])
    return { violations, tallies: accounting.tallies }
  }

  /** Records of each stream its consumer has not checkpointed past (for the drain). */
  const unprocessed = () => ({
    table: pending(KINESIS_STREAM).length,
    lake: pending(LAKE_STREAM).length,
    search: pending(SEARCH_STREAM).length,
  })

  return { check, unprocessed }
}

export type Checker = ReturnType<typeof makeChecker>
