/**
 * Port: dead letters — where a record that can never succeed goes, with its reason.
 *
 * A dead letter's `id` is deterministic (the record's stream coordinates, or its event id), and
 * `put` is an upsert by id: when Lambda retries a batch, a poison record is dead-lettered again
 * and still appears once.
 */
import { Context, type Effect } from "effect"
import type { Fatal, Retryable, Throttled } from "../delivery/errors.ts"
import type { EventSource } from "../telemetry/envelope.ts"

export interface DeadLetter {
  /** Deterministic: the same record always gets the same id. */
  readonly id: string
  /** Why the record can never succeed, in words a person can act on. */
  readonly reason: string
  /** The field at fault, when one is. */
  readonly field?: string
  /** The record's bytes, base64. */
  readonly payload: string
  /** Where the record was read from (stream, shard, sequence number, topic). */
  readonly source?: EventSource
  /** When it was dead-lettered, epoch milliseconds. */
  readonly at: number
}

export type DeadLettersError = Retryable | Throttled | Fatal

export class DeadLetters extends Context.Service<
  DeadLetters,
  {
    /** Stores dead letters, replacing any with the same id. */
    readonly put: (letters: ReadonlyArray<DeadLetter>) => Effect.Effect<void, DeadLettersError>
    /** Every dead letter, oldest first. */
    readonly list: () => Effect.Effect<ReadonlyArray<DeadLetter>, DeadLettersError>
  }
>()("@sluice/core/ports/DeadLetters") {}

/** The id of a dead letter read from a stream: its coordinates, unique per record. */
export const deadLetterIdOf = (source: EventSource, fallback: string): string =>
  source.sequenceNumber === undefined
    ? fallback
    : `${source.stream ?? "stream"}/${source.shardId ?? "shard"}/${source.sequenceNumber}/${source.subSequenceNumber ?? 0}`
