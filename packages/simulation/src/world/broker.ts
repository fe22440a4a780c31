/**
 * The broker, as a model of the local stack's (cli/src/stack/broker.ts and ruleActions.ts):
 * MQTT QoS 1 with the PUBACK decided only after every delivery of the message is durable.
 *
 *     device ── PUBLISH ─▶ rules (ledger.ts) ─▶ append each delivery to its stream
 *            ◀─ PUBACK ──  all appended (or failed for good and dead-lettered)
 *
 * - A transient append failure (a throttled PutRecords, a throttled entry) refuses the message:
 *   no PUBACK, the connection closes, and the device resends it when it reconnects. Appends
 *   that did land are appended again then — the duplicates idempotent writes absorb.
 * - A permanent failure (a record over the stream's limit, an action sluice up cannot run) is
 *   dead-lettered with the failed action and its error — where IoT Core would invoke the rule's
 *   error action — and the message is still acknowledged, as IoT Core does. If the dead letter
 *   cannot be stored, the message is refused instead: nothing is acknowledged unrecorded.
 * - A message no rule matches is dropped on purpose, and counted.
 * - Faults: the PUBACK may be lost after the message was made durable (the device resends it:
 *   a duplicate), and the process may die between two appends of one message.
 *
 * As in the stack, the dead letter's id is derived from the message (rule, topic, payload
 * hash), so a resent message is dead-lettered once.
 */
import { createHash } from "node:crypto"
import type { SeededRandom } from "@sluice/adapters-memory"
import type { DeadLetter } from "@sluice/core"
import { Exit } from "effect"
import type { FaultRates } from "../scenario.ts"
import type { VirtualRuntime } from "../virtualRuntime.ts"
import type { Message } from "./ledger.ts"
import type { Ports } from "./ports.ts"
import { ProcessCrash } from "./processCrash.ts"

export type PublishOutcome = "acked" | "ackLost" | "refused"

export interface BrokerStats {
  received: number
  accepted: number
  refused: number
  dropped: number
  ruleFailures: number
  acksLost: number
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64")

const letterId = (ruleName: string, message: Message) =>
  `rule/${ruleName}/${message.topic}/${createHash("sha256").update(message.payload).digest("hex").slice(0, 16)}`

export const makeBroker = (options: {
  readonly runtime: VirtualRuntime
  readonly ports: Ports
  readonly faults: FaultRates["broker"]
  readonly random: SeededRandom
  /** A deliberate bug (world.ts, Mutant): acknowledge even when an append failed. */
  readonly ackBeforeAppend?: boolean
}) => {
  const { runtime, ports, random } = options
  const stats: BrokerStats = {
    received: 0,
    accepted: 0,
    refused: 0,
    dropped: 0,
    ruleFailures: 0,
    acksLost: 0,
  }
  const chance = (p: number) => p > 0 && random.next() < p

  /** Routes and appends one message; throws ProcessCrash when the process dies mid-message. */
  const publish = (message: Message, faultsOn: boolean): PublishOutcome => {
    stats.received++
    const dieAfter =
      faultsOn && chance(options.faults.crashMidPublish) ? random.int(message.deliveries.length + 1) : -1
    const failures = new Map<string, string[]>()
    let transient = false
    for (const [i, delivery] of message.deliveries.entries()) {
      if (i === dieAfter)
        throw new ProcessCrash(`the process died after ${i} appends of message ${message.id}`)
      const stream = delivery.stream === undefined ? undefined : ports.stream(delivery.stream)
      if (stream === undefined) {
        const list = failures.get(delivery.ruleName) ?? []
        list.push(
          `${delivery.failedAction} failed: the ${delivery.type} action is not supported by sluice up`,
        )
        failures.set(delivery.ruleName, list)
        continue
      }
      const exit = runtime.runSync(stream.putRecords([delivery.entry]))
      const result = Exit.isSuccess(exit) ? exit.value[0] : undefined
      if (result?._tag === "Put") continue
      if (result?._tag === "Failed" && result.error._tag === "Poison") {
        const list = failures.get(delivery.ruleName) ?? []
        list.push(`${delivery.failedAction} failed: ${result.error.reason}`)
        failures.set(delivery.ruleName, list)
        continue
      }
      // Throttled (whole call or this entry): keep appending the rest, as the stack starts every
      // append at once, then refuse the message.
      transient = true
    }
    if (dieAfter === message.deliveries.length && message.deliveries.length > 0)
      throw new ProcessCrash(`the process died after the appends of message ${message.id}, before its PUBACK`)
    if (transient && options.ackBeforeAppend !== true) {
      stats.refused++
      return "refused"
    }
    if (failures.size > 0) {
      const letters: DeadLetter[] = [...failures].map(([ruleName, reasons]) => ({
        id: letterId(ruleName, message),
        reason: `rule ${ruleName}: ${reasons.join("; ")}`,
        payload: base64(message.payload),
        source: { topic: message.topic },
        at: runtime.now(),
      }))
      if (Exit.isFailure(runtime.runSync(ports.deadLetters.put(letters)))) {
        stats.refused++
        return "refused"
      }
      stats.ruleFailures += failures.size
    }
    stats.accepted++
    message.accepted = true
    if (message.deliveries.length === 0) {
      message.dropped = true
      stats.dropped++
    }
    if (faultsOn && chance(options.faults.ackLost)) {
      stats.acksLost++
      return "ackLost"
    }
    return "acked"
  }

  return { publish, stats }
}

export type Broker = ReturnType<typeof makeBroker>
