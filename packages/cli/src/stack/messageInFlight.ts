/**
 * One accepted message while its rule actions' deliveries are in flight (ruleActions.ts): it
 * counts the deliveries still out, collects their failures, and hands itself to the router once
 * the last one is in. Also the failure shapes the router settles on.
 */
import {
  type ActionInvocation,
  type DeliveryError,
  isDeliveryError,
  type PutEntryResult,
  type RuleMatch,
} from "@sluice/core"
import type { EntryOwner } from "./appendBatches.ts"
import type { AcceptedMessage } from "./broker.ts"

const encoder = new TextEncoder()

export class ActionFailed extends Error {
  constructor(readonly error: DeliveryError) {
    super(error.message)
  }
}

export const isTransientFailure = (error: unknown) => {
  const delivery = error instanceof ActionFailed ? error.error : isDeliveryError(error) ? error : undefined
  return delivery === undefined ? false : delivery._tag === "Retryable" || delivery._tag === "Throttled"
}

export interface Failure {
  readonly match: number
  readonly invocation: ActionInvocation
  readonly error: unknown
}

// Per-message state lives in class instances, not closures: `sluice up` runs through tsx, whose
// transform names every closure it creates (a defineProperty each), which showed in profiles.

/** One accepted message while its deliveries are in flight. */
export class InFlight {
  /** Held at 1 until every delivery is queued. */
  remaining = 1
  deliveries = 0
  failures: Failure[] | undefined
  private lastPayload: unknown
  private lastBytes: Uint8Array | undefined

  constructor(
    readonly settled: (flight: InFlight) => void,
    readonly message: AcceptedMessage,
    readonly matches: ReadonlyArray<RuleMatch>,
    readonly at: number,
    readonly resolve: () => void,
    readonly reject: (error: unknown) => void,
  ) {}

  /** SELECT * rules share one output object: it is serialised once per message. */
  bytesOf(payload: unknown): Uint8Array {
    if (payload instanceof Uint8Array) return payload
    if (payload !== this.lastPayload || this.lastBytes === undefined) {
      this.lastPayload = payload
      this.lastBytes = encoder.encode(JSON.stringify(payload ?? null))
    }
    return this.lastBytes
  }

  done(match: number, invocation: ActionInvocation, failure: unknown): void {
    if (failure !== undefined) {
      this.failures ??= []
      this.failures.push({ match, invocation, error: failure })
    }
    this.release()
  }

  release(): void {
    if (--this.remaining === 0) this.settled(this)
  }
}

/** One action's delivery of one message: told its entry's outcome. */
export class Delivery implements EntryOwner {
  constructor(
    private readonly flight: InFlight,
    private readonly match: number,
    private readonly invocation: ActionInvocation,
  ) {}

  entryDone(result: PutEntryResult | undefined, error?: unknown): void {
    const failure =
      result === undefined
        ? (error ?? "failed")
        : result._tag === "Failed"
          ? new ActionFailed(result.error)
          : undefined
    this.flight.done(this.match, this.invocation, failure)
  }
}
