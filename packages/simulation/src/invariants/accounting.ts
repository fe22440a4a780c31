/**
 * Invariant 1, accounting, per delivery: every accepted message's every delivery is in
 * exactly one place — stored, dead-lettered with a reason, dropped on purpose, or still in
 * flight, where "in flight" must be somewhere durable: a stream record after its consumer's
 * checkpoint. A delivery in none of these places is lost (invariants 1 and 4), and one in the
 * wrong final place is misclassified (a valid reading dead-lettered by the consumer, poison
 * stored).
 *
 *     accepted = stored + dead + dropped + in flight        (per pipeline: table, lake, search)
 *
 * What counts as stored or dead, per pipeline:
 * - table (kinesis action): the reading's key is in the table; dead: a letter of the rule, of
 *   the consumer (`telemetry/<shard>/<seq>/…`) or of the mapping's discard (`esm/…`). The
 *   mapping may discard a record it had already stored (AWS does the same: the on-failure
 *   destination means "not confirmed"), so stored wins over a discard letter.
 * - lake (firehose action): a line in a data object, or an error record (dead with its reason).
 * - search (openSearch action): the document is indexed; dead: a letter of the rule or of the
 *   indexer (`search/<index>/<id>`).
 */
import type { DeadLetter, Item } from "@sluice/core"
import type { Delivery, Message } from "../world/ledger.ts"
import { tableKeyOf } from "../world/ledger.ts"
import { messageIdIn } from "../world/payloads.ts"
import { KINESIS_STREAM, LAKE_STREAM } from "../world/ports.ts"
import type { LakeTrace, TracedRecord } from "./traces.ts"

export type Pipeline = "table" | "lake" | "search" | "other"

export interface Tally {
  accepted: number
  stored: number
  dead: number
  dropped: number
  inFlight: number
}

export const emptyTally = (): Tally => ({ accepted: 0, stored: 0, dead: 0, dropped: 0, inFlight: 0 })

export interface AccountingInput {
  readonly messages: ReadonlyArray<Message>
  readonly tableItems: ReadonlyMap<string, Item>
  /** Table keys two or more published messages share (one reading to the pipeline), with them. */
  readonly sharedKeys: ReadonlyMap<string, ReadonlyArray<number>>
  readonly letters: ReadonlyMap<number, ReadonlyArray<DeadLetter>>
  readonly allLetterIds: ReadonlySet<string>
  readonly lake: LakeTrace
  readonly indexed: (index: string, id: string) => boolean
  /** Records of a stream after its consumer's checkpoint, by shard. */
  readonly pending: (stream: string) => ReadonlyArray<TracedRecord>
}

export const pipelineOf = (delivery: Delivery): Pipeline =>
  delivery.stream === KINESIS_STREAM
    ? "table"
    : delivery.stream === LAKE_STREAM
      ? "lake"
      : delivery.type === "openSearch"
        ? "search"
        : "other"

const consumerLetter = (letter: DeadLetter) =>
  letter.id.startsWith(`${KINESIS_STREAM}/`) || letter.id.startsWith(`esm/${KINESIS_STREAM}/`)

const ruleLetter = (letters: ReadonlyArray<DeadLetter>, delivery: Delivery) =>
  letters.find((letter) => letter.id.startsWith(`rule/${delivery.ruleName}/`))

/** Checks every accepted delivery; returns violations and the tallies per pipeline. */
export const checkAccounting = (input: AccountingInput) => {
  const violations: string[] = []
  const tallies: Record<Pipeline, Tally> = {
    table: emptyTally(),
    lake: emptyTally(),
    search: emptyTally(),
    other: emptyTally(),
  }
  const pendingIds = new Map<string, Set<number | string>>()
  const pendingOf = (stream: string, byText: boolean) => {
    const key = `${stream}/${byText}`
    let set = pendingIds.get(key)
    if (set === undefined) {
      set = new Set(input.pending(stream).map((r) => (byText ? r.text : (r.messageId ?? -1))))
      pendingIds.set(key, set)
    }
    return set
  }
  for (const message of input.messages) {
    if (!message.accepted) continue
    if (message.dropped) {
      tallies.other.accepted++
      tallies.other.dropped++
      continue
    }
    const letters = input.letters.get(message.id) ?? []
    for (const delivery of message.deliveries) {
      const pipeline = pipelineOf(delivery)
      const tally = tallies[pipeline]
      tally.accepted++
      const rule = ruleLetter(letters, delivery)
      let stored = false
      let dead: DeadLetter | undefined = rule
      let inFlight = false
      let ownItem = true
      let shared = false
      if (pipeline === "table") {
        // The key is the reading's identity: two payloads of one device in one second without
        // SEQ are one reading to the pipeline (the hands-on's known weakness), and whichever the
        // consumer saw first decides its fate. So the key decides whether it is stored.
        const key = delivery.item === undefined ? undefined : tableKeyOf(delivery.item)
        const held = key === undefined ? undefined : input.tableItems.get(key)
        stored = held !== undefined
        ownItem = held !== undefined && messageIdIn(String(held.MSG ?? "")) === message.id
        shared = key !== undefined && input.sharedKeys.has(key)
        // A sibling's letter (another payload of the same reading, seen first) settles it too.
        const siblings = key === undefined ? [message.id] : (input.sharedKeys.get(key) ?? [message.id])
        for (const sibling of siblings) dead ??= (input.letters.get(sibling) ?? []).find(consumerLetter)
        inFlight = pendingOf(KINESIS_STREAM, false).has(message.id)
      } else if (pipeline === "lake") {
        stored = input.lake.data.has(message.id)
        if (!dead && input.lake.errors.has(message.id))
          dead = { id: "lake-error-output", reason: "error output", payload: "", at: 0 }
        inFlight = pendingOf(LAKE_STREAM, false).has(message.id)
      } else if (pipeline === "search" && delivery.document !== undefined) {
        const { index, id } = delivery.document
        stored = input.indexed(index, id)
        if (!dead && input.allLetterIds.has(`search/${index}/${id}`))
          dead = { id: `search/${index}/${id}`, reason: "rejected", payload: "", at: 0 }
        inFlight = pendingOf(delivery.stream as string, true).has(
          new TextDecoder().decode(delivery.entry.data),
        )
      } else stored = false
      const where = `message ${message.id} (${message.topic}), ${delivery.type} delivery`
      if (stored) tally.stored++
      else if (dead) tally.dead++
      else if (inFlight) tally.inFlight++
      else {
        violations.push(`${where} is lost: accepted, but not stored, not dead-lettered and not in flight`)
        continue
      }
      if (stored && ownItem && delivery.expect === "dead")
        violations.push(`${where} is stored, but it can never be valid (it should be dead-lettered)`)
      const discard = dead?.id.startsWith("esm/") ?? false
      if (
        !stored &&
        dead &&
        delivery.expect === "stored" &&
        !discard &&
        !shared &&
        dead.id !== "lake-error-output"
      )
        violations.push(`${where} is a valid reading but was dead-lettered: ${dead.reason}`)
      if (!stored && dead?.id === "lake-error-output" && delivery.expect === "stored")
        violations.push(`${where} is a valid reading but went to the lake's error output`)
    }
  }
  return { violations, tallies }
}
