/**
 * The rules engine at the broker's door: every accepted message is routed by the rules, and
 * each action's delivery is appended to a durable local stream before the broker acknowledges.
 *
 *     kinesis   → the stream named by `streamName` (partition key from the action, or a uuid)
 *     firehose  → the stream `firehose-<deliveryStreamName>`, which feeds the lake
 *     openSearch→ the stream `search`, which feeds the search index ({ index, id, source })
 *     republish → published back through the broker
 *
 * Deliveries to streams are gathered per turn of the event loop and appended in one call per
 * stream (appendBatches.ts), in call order, so one device's messages enter every stream in the
 * order they were published; the PUBACK waits for the message's own entries. A transient
 * failure (a disk error) rejects the message: no PUBACK, and the device's session resends it. A permanent one (a record over
 * a stream's limit, an unsupported action) is dead-lettered with the failed action and its
 * error — where IoT Core would invoke the rule's error action — and the message is still
 * acknowledged, as IoT Core does. A message no rule matches is dropped and counted.
 */
import { createHash, randomUUID } from "node:crypto"
import {
  type ActionInvocation,
  type DeadLetter,
  IOT_CORE_MAX_PAYLOAD_BYTES,
  Poison,
  Retryable,
  type RuleMatch,
  type RuleSet,
  type StreamEntry,
} from "@sluice/core"
import { type Append, appendBatches } from "./appendBatches.ts"
import type { AcceptedMessage } from "./broker.ts"
import { Delivery, InFlight, isTransientFailure } from "./messageInFlight.ts"

export type { Append } from "./appendBatches.ts"

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

interface RouterOptions {
  readonly rules: RuleSet
  readonly sinks: ActionSinks
  readonly deadLetter: (letter: DeadLetter) => Promise<void>
  readonly now?: () => number
}

const encoder = new TextEncoder()

/**
 * A dead letter's id from what it concerns and the message's topic and bytes: a device resending
 * the same message (it was not acknowledged, or the connection dropped) gets the same letter.
 */
const deadLetterId = (what: string, message: AcceptedMessage) =>
  `${what}/${message.topic}/${createHash("sha256").update(message.payload).digest("hex").slice(0, 32)}`

const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
class Router {
  readonly stats: RouterStats = { received: 0, routed: 0, unmatched: 0, failedActions: 0 }
  private readonly batches = appendBatches()
  private readonly separators = new Map<string, Uint8Array>()
  private readonly now: () => number
  private readonly settled = (flight: InFlight) => this.settle(flight)

  constructor(private readonly options: RouterOptions) {
    this.now = options.now ?? Date.now
  }

  accept(message: AcceptedMessage): Promise<void> {
    const at = this.now()
    if (message.payload.byteLength > IOT_CORE_MAX_PAYLOAD_BYTES) {
      // IoT Core would refuse it at the door; here it is set aside with the reason and
      // acknowledged, so a device stuck resending it does not block its later readings.
      this.stats.received++
      this.stats.failedActions++
      return this.options.deadLetter({
        id: deadLetterId("oversized", message),
        reason: `payload is ${message.payload.byteLength} bytes, over IoT Core's ${IOT_CORE_MAX_PAYLOAD_BYTES}-byte limit`,
        payload: Buffer.from(message.payload).toString("base64"),
        source: { topic: message.topic },
        at,
      })
    }
    const context = { timestampMs: at, newUuid: randomUUID, clientId: message.clientId }
    const matches = this.options.rules.route({ topic: message.topic, payload: message.payload }, context)
    if (matches.length === 0) {
      this.stats.received++
      this.stats.unmatched++
      return Promise.resolve()
    }
    return new Promise<void>((resolve, reject) => this.start(message, matches, at, resolve, reject))
  }

  private start(
    message: AcceptedMessage,
    matches: ReadonlyArray<RuleMatch>,
    at: number,
    resolve: () => void,
    reject: (error: unknown) => void,
  ): void {
    const flight = new InFlight(this.settled, message, matches, at, resolve, reject)
    for (let m = 0; m < matches.length; m++) {
      for (const invocation of (matches[m] as RuleMatch).invocations) {
        flight.remaining++
        flight.deliveries++
        this.deliver(invocation, new Delivery(flight, m, invocation), flight)
      }
    }
    flight.release() // the hold
  }

  /** Queues one action's delivery: a stream append joins this turn's batch for its stream. */
  private deliver(invocation: ActionInvocation, delivery: Delivery, flight: InFlight): void {
    try {
      this.deliverOrThrow(invocation, delivery, flight)
    } catch (error) {
      // E.g. a SELECT output too deeply nested to serialise: this action fails for good, and
      // the message is dead-lettered rather than refused (which would make the device resend
      // it forever).
      delivery.entryDone(
        undefined,
        new Poison({ reason: error instanceof Error ? error.message : String(error) }),
      )
    }
  }

  private deliverOrThrow(invocation: ActionInvocation, delivery: Delivery, flight: InFlight): void {
    const params = invocation.params
    const sinks = this.options.sinks
    let append: Append | undefined
    let entry: StreamEntry | undefined
    let other: Promise<void> | undefined
    switch (invocation.type) {
      case "kinesis": {
        append = sinks.kinesis(String(params.streamName))
        if (!append) other = Promise.reject(new Error(`no local stream ${String(params.streamName)}`))
        else {
          const key = params.partitionKey
          const partitionKey = typeof key === "string" && key !== "" ? key : randomUUID()
          entry = { partitionKey, data: flight.bytesOf(invocation.payload) }
        }
        break
      }
      case "firehose": {
        append = sinks.firehose(String(params.deliveryStreamName))
        if (!append)
          other = Promise.reject(new Error(`no local delivery stream ${String(params.deliveryStreamName)}`))
        else {
          const separator = typeof params.separator === "string" ? params.separator : ""
          const data = flight.bytesOf(invocation.payload)
          entry = {
            partitionKey: flight.message.topic,
            data: separator === "" ? data : concat(data, this.separatorBytes(separator)),
          }
        }
        break
      }
      case "openSearch": {
        append = sinks.search
        if (!append) other = Promise.reject(new Error("no local search index"))
        else {
          const document = { index: String(params.index), id: String(params.id), source: invocation.payload }
          entry = {
            partitionKey: document.id.slice(0, 256) || "-",
            data: encoder.encode(JSON.stringify(document)),
          }
        }
        break
      }
      case "republish":
        other = sinks.republish(String(params.topic), flight.bytesOf(invocation.payload))
        break
      default:
        other = Promise.reject(new Error(`the ${invocation.type} action is not supported by sluice up`))
    }
    if (append !== undefined && entry !== undefined) this.batches.add(append, entry, delivery)
    else
      other?.then(
        () => delivery.entryDone(undefined, undefined),
        (error: unknown) => delivery.entryDone(undefined, error ?? "failed"),
      )
  }

  private separatorBytes(separator: string): Uint8Array {
    let bytes = this.separators.get(separator)
    if (bytes === undefined) {
      bytes = encoder.encode(separator)
      this.separators.set(separator, bytes)
    }
    return bytes
  }

  /** All deliveries of a message are in: fail it (no PUBACK), or dead-letter what failed for good. */
  settle(flight: InFlight): void {
    const failures = flight.failures
    if (failures === undefined) {
      this.stats.received++
      this.stats.routed += flight.deliveries
      flight.resolve()
      return
    }
    const transient = failures.find((failure) => isTransientFailure(failure.error))
    if (transient) {
      flight.reject(
        new Retryable({
          reason: `could not make the message durable: ${String((transient.error as Error).message)}`,
        }),
      )
      return
    }
    this.stats.received++
    this.stats.routed += flight.deliveries - failures.length
    this.stats.failedActions += failures.length
    const { message, at } = flight
    const letters = flight.matches.flatMap((match, i) => {
      const failed = failures.filter((failure) => failure.match === i)
      if (failed.length === 0) return []
      const reasons = failed.map((f) => `${f.invocation.failedAction} failed: ${(f.error as Error).message}`)
      return [
        {
          id: deadLetterId(`rule/${match.ruleName}`, message),
          reason: `rule ${match.ruleName}: ${reasons.join("; ")}`,
          payload: Buffer.from(message.payload).toString("base64"),
          source: { topic: message.topic },
          at,
        },
      ]
    })
    letters
      .reduce((chain, letter) => chain.then(() => this.options.deadLetter(letter)), Promise.resolve())
      .then(flight.resolve, flight.reject)
  }
}

export const makeRuleRouter = (options: RouterOptions): RuleRouter => {
  const router = new Router(options)
  return { accept: (message) => router.accept(message), stats: () => router.stats }
}
