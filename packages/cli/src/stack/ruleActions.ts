/**
 * The rules engine at the broker's door: every accepted message is routed by the rules, and
 * each action's delivery is appended to a durable local stream before the broker acknowledges.
 *
 *     kinesis   → the stream named by `streamName` (partition key from the action, or a uuid)
 *     firehose  → the stream `firehose-<deliveryStreamName>`, which feeds the lake
 *     openSearch→ the stream `search`, which feeds the search index ({ index, id, source })
 *     republish → published back through the broker
 *
 * Appends for one message start synchronously, in call order, so one device's messages enter
 * every stream in the order they were published. A transient failure (a disk error) rejects
 * the message: no PUBACK, and the device's session resends it. A permanent one (a record over
 * a stream's limit, an unsupported action) is dead-lettered with the failed action and its
 * error — where IoT Core would invoke the rule's error action — and the message is still
 * acknowledged, as IoT Core does. A message no rule matches is dropped and counted.
 */
import { randomUUID } from "node:crypto"
import {
  type ActionInvocation,
  type DeadLetter,
  type DeliveryError,
  isDeliveryError,
  type PutEntryResult,
  Retryable,
  type RuleSet,
  type StreamEntry,
} from "@sluice/core"
import type { AcceptedMessage } from "./broker.ts"

/** Where the actions deliver: an append to a durable stream, resolving per entry. */
export type Append = (entries: ReadonlyArray<StreamEntry>) => Promise<ReadonlyArray<PutEntryResult>>

export interface ActionSinks {
  readonly kinesis: (streamName: string) => Append | undefined
  readonly firehose: (deliveryStreamName: string) => Append | undefined
  readonly search: Append | undefined
  readonly republish: (topic: string, payload: Uint8Array) => Promise<void>
}

export interface RouterStats {
  received: number
  /** Action deliveries made durable. */
  routed: number
  /** Messages no rule matched (dropped, counted). */
  unmatched: number
  /** Actions that failed for good and went to the error action (dead letters). */
  failedActions: number
}

export interface RuleRouter {
  readonly accept: (message: AcceptedMessage) => Promise<void>
  readonly stats: () => Readonly<RouterStats>
}

const encoder = new TextEncoder()

const bytesOf = (payload: unknown): Uint8Array =>
  payload instanceof Uint8Array ? payload : encoder.encode(JSON.stringify(payload ?? null))

const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

class ActionFailed extends Error {
  constructor(readonly error: DeliveryError) {
    super(error.message)
  }
}

const one = async (append: Append, entry: StreamEntry): Promise<void> => {
  const [result] = await append([entry])
  if (result?._tag === "Failed") throw new ActionFailed(result.error)
}

/** Starts one action's delivery; the append itself begins before this returns. */
const deliver = (
  invocation: ActionInvocation,
  message: AcceptedMessage,
  sinks: ActionSinks,
): Promise<void> => {
  const params = invocation.params
  switch (invocation.type) {
    case "kinesis": {
      const append = sinks.kinesis(String(params.streamName))
      if (!append) return Promise.reject(new Error(`no local stream ${String(params.streamName)}`))
      const partitionKey =
        typeof params.partitionKey === "string" && params.partitionKey !== ""
          ? params.partitionKey
          : randomUUID()
      return one(append, { partitionKey, data: bytesOf(invocation.payload) })
    }
    case "firehose": {
      const append = sinks.firehose(String(params.deliveryStreamName))
      if (!append)
        return Promise.reject(new Error(`no local delivery stream ${String(params.deliveryStreamName)}`))
      const separator = typeof params.separator === "string" ? params.separator : ""
      return one(append, {
        partitionKey: message.topic,
        data: concat(bytesOf(invocation.payload), encoder.encode(separator)),
      })
    }
    case "openSearch": {
      if (!sinks.search) return Promise.reject(new Error("no local search index"))
      const document = { index: String(params.index), id: String(params.id), source: invocation.payload }
      return one(sinks.search, {
        partitionKey: document.id.slice(0, 256) || "-",
        data: encoder.encode(JSON.stringify(document)),
      })
    }
    case "republish":
      return sinks.republish(String(params.topic), bytesOf(invocation.payload))
    default:
      return Promise.reject(new Error(`the ${invocation.type} action is not supported by sluice up`))
  }
}

const isTransientFailure = (error: unknown) => {
  const delivery = error instanceof ActionFailed ? error.error : isDeliveryError(error) ? error : undefined
  return delivery === undefined ? false : delivery._tag === "Retryable" || delivery._tag === "Throttled"
}

export const makeRuleRouter = (options: {
  readonly rules: RuleSet
  readonly sinks: ActionSinks
  readonly deadLetter: (letter: DeadLetter) => Promise<void>
  readonly now?: () => number
}): RuleRouter => {
  const now = options.now ?? Date.now
  const stats: RouterStats = { received: 0, routed: 0, unmatched: 0, failedActions: 0 }

  const accept = async (message: AcceptedMessage) => {
    const context = { timestampMs: now(), newUuid: randomUUID, clientId: message.clientId }
    const ruleMessage = { topic: message.topic, payload: message.payload }
    const matches = options.rules.route(ruleMessage, context)
    if (matches.length === 0) {
      stats.received++
      stats.unmatched++
      return
    }
    // Start every append now, in call order; await them together.
    const pending = matches.map((match) =>
      match.invocations.map((invocation) =>
        deliver(invocation, message, options.sinks).then(
          () => undefined,
          (error: unknown) => ({ invocation, error }),
        ),
      ),
    )
    const outcomes = await Promise.all(pending.map((list) => Promise.all(list)))
    const failures = outcomes.flat().filter((outcome) => outcome !== undefined)
    const transient = failures.find((failure) => isTransientFailure(failure.error))
    if (transient) {
      throw new Retryable({
        reason: `could not make the message durable: ${String((transient.error as Error).message)}`,
      })
    }
    stats.received++
    stats.routed += outcomes.flat().length - failures.length
    for (const [i, match] of matches.entries()) {
      const failed = (outcomes[i] ?? []).filter((outcome) => outcome !== undefined)
      if (failed.length === 0) continue
      stats.failedActions += failed.length
      const errorMessages = failed.map((f) => ({
        invocation: f.invocation,
        errorMessage: (f.error as Error).message,
      }))
      await options.deadLetter({
        id: `rule/${match.ruleName}/${message.topic}/${context.timestampMs}/${randomUUID()}`,
        reason: `rule ${match.ruleName}: ${errorMessages.map((f) => `${f.invocation.failedAction} failed: ${f.errorMessage}`).join("; ")}`,
        payload: Buffer.from(message.payload).toString("base64"),
        source: { topic: message.topic },
        at: context.timestampMs,
      })
    }
  }
  return { accept, stats: () => stats }
}
