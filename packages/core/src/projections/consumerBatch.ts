/**
 * `processKinesisBatchWithProjections`: the consumer's batch (`processKinesisBatch`) followed by
 * its projections — what `kinesisConsumer` runs when projections besides the latest-state record
 * are configured, or when Lambda invokes it with tumbling-window fields.
 *
 * The batch is processed exactly as without projections; it also hands back the entries it
 * stored. Those before the batch's first retry become events — positioned in their shard by
 * sequence number and KPL index — and go to the projections (consumerProjections.ts), or, in a
 * tumbling window, into the state carried to the next invocation (windowedConsumerProjections.ts),
 * whose new value the response carries as `state`. When the projections must be retried, the
 * response asks Lambda to re-deliver from the first stored record: the readings are rewritten
 * (idempotent) and each key skips the events it applied. Projections get what is left of the
 * invocation's time, less a quarter of the deadline margin; if that runs out they are retried.
 */
import { Effect, Option, Result } from "effect"
import { processKinesisBatch } from "../consumer/kinesisBatch.ts"
import {
  compareSequenceNumbers,
  type KinesisBatchResponse,
  type KinesisStreamEvent,
  shardIdOf,
  streamNameOf,
} from "../consumer/kinesisEvent.ts"
import { DEFAULT_DEADLINE_MARGIN_MS, type KinesisBatchOptions } from "../consumer/kinesisOptions.ts"
import { defaultRetryPolicy } from "../delivery/retryPolicy.ts"
import type { Item } from "../ports/table.ts"
import { applyConsumerProjections, type ProjectionBatchSummary } from "./consumerProjections.ts"
import type { NewProjections } from "./handover.ts"
import { eventOfItem, type PositionedEvent } from "./historyEvent.ts"
import { streamPosition, streamSource } from "./positions.ts"
import type { AnyProjection } from "./projection.ts"
import type { ProjectionCache } from "./projectionCache.ts"
import { applyWindowedProjections } from "./windowedConsumerProjections.ts"

export interface ProjectionBatchOptions extends KinesisBatchOptions {
  /** The projections to run, besides the latest-state record. */
  readonly projections: ReadonlyArray<AnyProjection>
  readonly newProjections?: NewProjections
  /** What the handler keeps between batches (projectionCache.ts); without it, read every batch. */
  readonly cache?: ProjectionCache
}

const streamOfArn = (arn: string | undefined) => {
  const at = arn?.lastIndexOf(":stream/") ?? -1
  return arn === undefined || at < 0 ? undefined : arn.slice(at + ":stream/".length)
}

/** The shard source of an event: from its records, or the window fields of a final invocation. */
const sourceOf = (event: KinesisStreamEvent, options: ProjectionBatchOptions): string => {
  const first = event.Records[0]
  const shardId = event.shardId ?? (first === undefined ? undefined : shardIdOf(first)) ?? "shard"
  const stream =
    options.streamName ??
    (first === undefined ? undefined : streamNameOf(first)) ??
    streamOfArn(event.eventSourceARN) ??
    "stream"
  return streamSource(stream, shardId)
}

/** The response, now also asking for a retry from `sequenceNumber`. */
const retryFrom = (response: KinesisBatchResponse, sequenceNumber: string): KinesisBatchResponse => {
  const current = response.batchItemFailures[0]?.itemIdentifier
  return current !== undefined && compareSequenceNumbers(current, sequenceNumber) <= 0
    ? response
    : { ...response, batchItemFailures: [{ itemIdentifier: sequenceNumber }] }
}

export const processKinesisBatchWithProjections = Effect.fnUntraced(function* (
  event: KinesisStreamEvent,
  options: ProjectionBatchOptions,
) {
  const result = yield* processKinesisBatch(event, { ...options, collectStored: true })
  const events: PositionedEvent[] = []
  for (const stored of result.stored ?? []) {
    const decoded = eventOfItem(stored.item as Item)
    if (Result.isSuccess(decoded))
      events.push({
        event: decoded.success,
        position: streamPosition(stored.sequenceNumber, stored.subSequenceNumber ?? 0),
      })
  }
  const source = sourceOf(event, options)
  const settings = {
    projections: options.projections,
    retry: options.retry ?? defaultRetryPolicy,
    ...(options.newProjections === undefined ? {} : { newProjections: options.newProjections }),
    ...(options.cache === undefined ? {} : { cache: options.cache }),
  }
  const context = options.context
  const budget =
    context === undefined
      ? Number.POSITIVE_INFINITY
      : context.getRemainingTimeInMillis() - (options.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS) / 4
  const withinBudget = <A, E, R>(work: Effect.Effect<A, E, R>) =>
    Number.isFinite(budget) ? Effect.timeoutOption(work, Math.max(0, budget)) : Effect.map(work, Option.some)

  let response: KinesisBatchResponse = result.response
  let summary: ProjectionBatchSummary
  if (event.window !== undefined) {
    const final = event.isFinalInvokeForWindow === true || event.isWindowTerminatedEarly === true
    const windowed = yield* applyWindowedProjections(source, events, { state: event.state, final }, settings)
    response = { ...response, state: windowed.state }
    summary = { applied: windowed.folded, waiting: windowed.waiting, retry: windowed.retry }
  } else {
    const done = yield* withinBudget(applyConsumerProjections(source, events, settings))
    summary = Option.isSome(done) ? done.value : { applied: 0, waiting: [], retry: true }
  }
  const first = result.stored?.[0]
  if (summary.retry && first !== undefined) response = retryFrom(response, first.sequenceNumber)
  return { response, summary: { ...result.summary, projections: summary } }
})
