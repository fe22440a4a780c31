/**
 * The ledger: every message devices published, what the rules make of it, and what the
 * pipeline is expected to do with each delivery — the ground truth the invariants compare the
 * world against.
 *
 * A message's deliveries come from the real rules engine (`RuleSet.route`) and are turned into
 * stream entries exactly as the local stack's rule actions do (cli/src/stack/ruleActions.ts):
 * kinesis → the named stream, keyed by the action's partition key; firehose → the stream
 * `firehose-<name>`, the payload plus the separator, keyed by topic; openSearch → the `search`
 * stream, `{index, id, source}`. The broker model appends these; the invariants follow them.
 *
 * Expectations are computed with core's own pure functions (decodeReading, itemBytes,
 * transformRecord) — the simulation checks delivery semantics (where each record ends), not
 * the codec, which has its own property tests.
 */
import {
  type BatchLimits,
  decodeReading,
  type Item,
  itemBytes,
  type RuleSet,
  type StreamEntry,
  transformRecord,
  utf8Length,
} from "@sluice/core"
import { REJECTED_TEMPERATURE } from "./payloads.ts"

export type Expectation = "stored" | "dead" | "any"

export interface Delivery {
  readonly type: string
  readonly ruleName: string
  readonly failedAction: string
  /** The memory stream it is appended to; undefined for an action sluice up cannot run. */
  readonly stream: string | undefined
  readonly entry: StreamEntry
  readonly expect: Expectation
  /** kinesis: the table item the consumer must store, when the record is a valid reading. */
  readonly item?: Item
  /** openSearch: the document's index and id. */
  readonly document?: { readonly index: string; readonly id: string }
}

export interface Message {
  readonly id: number
  readonly device: number
  readonly topic: string
  readonly payload: Uint8Array
  readonly deliveries: ReadonlyArray<Delivery>
  /** Made durable by the broker (every append done or dead-lettered): the PUBACK was decided. */
  accepted: boolean
  /** No rule matched: dropped on purpose, counted by the broker. */
  dropped: boolean
}

export const SEARCH_STREAM = "search"
export const firehoseStream = (name: string) => `firehose-${name}`

const encoder = new TextEncoder()
const bytesOf = (payload: unknown): Uint8Array =>
  payload instanceof Uint8Array ? payload : encoder.encode(JSON.stringify(payload ?? null))
const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/** The key of a table reading. */
export const tableKeyOf = (item: { readonly deviceId: string; readonly ts: string }) =>
  `${item.deviceId}\u0000${item.ts}`

export interface LedgerLimits {
  readonly table: BatchLimits
  readonly stream: BatchLimits
}

const tooBigForStream = (entry: StreamEntry, limits: LedgerLimits) =>
  utf8Length(entry.partitionKey) + entry.data.length > limits.stream.maxRecordBytes

const kinesisDelivery = (base: Omit<Delivery, "expect">, limits: LedgerLimits): Delivery => {
  if (tooBigForStream(base.entry, limits)) return { ...base, expect: "dead" }
  const decoded = decodeReading(base.entry.data)
  if (decoded._tag === "Failure") return { ...base, expect: "dead" }
  const reading = decoded.success
  const item = { ...reading.fields, deviceId: reading.deviceId, ts: reading.sortKey } as Item
  const rejected = itemBytes(item) > limits.table.maxRecordBytes || item.TEMPERATURE === REJECTED_TEMPERATURE
  return { ...base, expect: rejected ? "dead" : "stored", item }
}

/** The deliveries the rules make of one message, with what each should become. */
export const deliveriesOf = (
  rules: RuleSet,
  message: { readonly topic: string; readonly payload: Uint8Array; readonly clientId: string },
  context: { readonly timestampMs: number; readonly newUuid: () => string },
  limits: LedgerLimits,
): Delivery[] => {
  const deliveries: Delivery[] = []
  const matches = rules.route(
    { topic: message.topic, payload: message.payload },
    { ...context, clientId: message.clientId },
  )
  for (const match of matches) {
    for (const invocation of match.invocations) {
      const params = invocation.params
      const common = {
        type: invocation.type,
        ruleName: match.ruleName,
        failedAction: invocation.failedAction,
      }
      const data = bytesOf(invocation.payload)
      if (invocation.type === "kinesis") {
        const partitionKey =
          typeof params.partitionKey === "string" && params.partitionKey !== ""
            ? params.partitionKey
            : message.topic
        deliveries.push(
          kinesisDelivery(
            { ...common, stream: String(params.streamName), entry: { partitionKey, data } },
            limits,
          ),
        )
      } else if (invocation.type === "firehose") {
        const separator = typeof params.separator === "string" ? params.separator : ""
        const entry = { partitionKey: message.topic, data: concat(data, encoder.encode(separator)) }
        const verdict = transformRecord(entry.data)
        const expect = tooBigForStream(entry, limits) || verdict.result !== "Ok" ? "dead" : "stored"
        deliveries.push({
          ...common,
          stream: firehoseStream(String(params.deliveryStreamName)),
          entry,
          expect,
        })
      } else if (invocation.type === "openSearch") {
        const document = { index: String(params.index), id: String(params.id) }
        const body = encoder.encode(JSON.stringify({ ...document, source: invocation.payload }))
        const entry = { partitionKey: document.id.slice(0, 256) || "-", data: body }
        deliveries.push({ ...common, stream: SEARCH_STREAM, entry, expect: "any", document })
      } else {
        deliveries.push({ ...common, stream: undefined, entry: { partitionKey: "-", data }, expect: "dead" })
      }
    }
  }
  return deliveries
}

/**
 * A JSON value as text with object keys sorted, built without creating objects — a payload's
 * own `__proto__` key must stay a key, never become a prototype.
 */
export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value).sort()
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(",")}}`
  }
  return JSON.stringify(value) ?? "undefined"
}
