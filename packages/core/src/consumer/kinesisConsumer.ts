/**
 * `kinesisConsumer(options)`: the Kinesis → table Lambda handler, as a plain async function.
 *
 *     export const handler = kinesisConsumer({ table: myTable })
 *     // (event, context) => Promise<{ batchItemFailures: [{ itemIdentifier }] }>
 *
 * It runs `processKinesisBatch` with the given table and dead letters (plain-Promise objects,
 * or adapters' objects carrying their Effect service). It resolves with the partial batch
 * response — an empty list when everything was stored or dead-lettered, otherwise the one
 * sequence number Lambda must retry from — and rejects only when retrying part of the batch
 * cannot help: a `Fatal` error of the table or dead-letter store, or a defect. Lambda then
 * retries the whole batch (under the event source mapping's MaximumRetryAttempts,
 * BisectBatchOnFunctionError and on-failure destination), which idempotent writes make safe.
 *
 * Services are converted once, when the handler is built, so a warm Lambda pays nothing per
 * invocation but the batch itself.
 *
 * Projections (`projections`, default the latest-state record alone): any besides the latest
 * state run after the batch on its stored readings, against `projectionStore`; an event with
 * tumbling-window fields carries their fold in `state` and commits it at the window's final
 * invocation (core/projections/consumerBatch.ts). Without either, the batch runs as it always has.
 */
import { Cause, Effect, Exit } from "effect"
import { deadLettersServiceOf } from "../facade/plainDeadLetters.ts"
import { tableServiceOf } from "../facade/plainTable.ts"
import { DeadLetters } from "../ports/deadLetters.ts"
import { ProjectionStore } from "../ports/projectionStore.ts"
import { Table } from "../ports/table.ts"
import { processKinesisBatchWithProjections } from "../projections/consumerBatch.ts"
import { LATEST_STATE } from "../projections/latestState.ts"
import { validateProjections } from "../projections/projection.ts"
import { ProjectionCache } from "../projections/projectionCache.ts"
import { noProjectionStore, projectionStoreServiceOf } from "../projections/projectionStoreOf.ts"
import { consoleDeadLetters } from "./consoleDeadLetters.ts"
import { processKinesisBatch, validateSettings } from "./kinesisBatch.ts"
import type { KinesisBatchResponse, KinesisStreamEvent, LambdaContextLike } from "./kinesisEvent.ts"
import type { KinesisConsumerOptions } from "./kinesisOptions.ts"

export type KinesisHandler = (
  event: KinesisStreamEvent,
  context?: LambdaContextLike,
) => Promise<KinesisBatchResponse>

/** The error a handler rejects with when the whole batch must be retried. */
export class KinesisBatchFailed extends Error {
  override readonly name = "KinesisBatchFailed"
}

export const kinesisConsumer = (options: KinesisConsumerOptions): KinesisHandler => {
  validateSettings(options)
  const table = tableServiceOf(options.table)
  const deadLetters = deadLettersServiceOf(options.deadLetters ?? consoleDeadLetters())
  const {
    table: _table,
    deadLetters: _deadLetters,
    onBatch,
    projections = [],
    projectionStore,
    newProjections,
    ...settings
  } = options
  validateProjections(projections)
  const latestState = options.projections === undefined || projections.some((p) => p.name === LATEST_STATE)
  const others = projections.filter((p) => p.name !== LATEST_STATE)
  if (others.length > 0 && projectionStore === undefined)
    throw new RangeError(`projections ${others.map((p) => p.name).join(", ")} need a projectionStore`)
  const store = projectionStore === undefined ? noProjectionStore : projectionStoreServiceOf(projectionStore)
  // Registrations and states between invocations of this handler (a warm Lambda container, or the
  // stack's consumer): write-through, the store stays the durable copy (projectionCache.ts).
  const cache = new ProjectionCache()
  const base = latestState ? settings : { ...settings, latestState: false }
  return async (event, context) => {
    const batchOptions = context === undefined ? base : { ...base, context }
    const batch =
      others.length === 0 && event.window === undefined
        ? processKinesisBatch(event, batchOptions)
        : processKinesisBatchWithProjections(event, {
            ...batchOptions,
            projections: others,
            cache,
            ...(newProjections === undefined ? {} : { newProjections }),
          }).pipe(Effect.provideService(ProjectionStore, store))
    const exit = await Effect.runPromiseExit(
      batch.pipe(Effect.provideService(Table, table), Effect.provideService(DeadLetters, deadLetters)),
    )
    if (Exit.isSuccess(exit)) {
      onBatch?.(exit.value.summary)
      return exit.value.response
    }
    const cause = exit.cause
    const error = Cause.squash(cause)
    const reason = error instanceof Error ? error.message : String(error)
    throw new KinesisBatchFailed(`the whole batch must be retried: ${reason}`, { cause: error })
  }
}
