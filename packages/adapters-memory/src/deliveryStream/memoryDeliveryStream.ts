/**
 * The DeliveryStream port in memory: Firehose's PutRecordBatch, with seeded faults.
 *
 * Accepted records wait in a buffer until `flush` moves them, in order, to `delivered` — the
 * memory stand-in for "written to the lake". `putRecordBatch` behaves as the port requires:
 * records over `limits.maxRecordBytes` fail Poison at once; the rest go in calls within
 * `limits`, and only the records that failed are sent again, up to `maxAttempts` attempts
 * (no waiting: nobody is on the other end to protect). Faults per call (faults.ts): `throttle`
 * and `error` fail the whole call, `partial` fails a random subset of its records (as
 * Firehose's per-record `ServiceUnavailableException`), `timeoutAfterWrite` accepts every record
 * and still reports failure — so the retry delivers duplicates, as PutRecordBatch can — and
 * `crash` dies before accepting anything.
 */
import {
  type BatchLimits,
  DeliveryStream,
  firehosePutRecordBatch,
  Poison,
  type PutRecordResult,
  planBatches,
  Retryable,
  Throttled,
} from "@sluice/core"
import { Effect, Layer } from "effect"
import { type FaultInjector, type FaultPlan, makeFaultInjector, SimulatedCrash } from "../faults.ts"

export interface MemoryDeliveryStreamOptions {
  readonly name?: string
  readonly limits?: BatchLimits
  readonly faults?: FaultPlan
  readonly seed?: number
  /** Attempts per record, the first included. Default 4 (three retries, as Firehose's own). */
  readonly maxAttempts?: number
}

export interface MemoryDeliveryStreamState {
  /** Accepted, not yet flushed. */
  readonly buffered: Uint8Array[]
  /** Flushed, in acceptance order (duplicates included). */
  readonly delivered: Uint8Array[]
  readonly injector: FaultInjector
  /** PutRecordBatch calls made, retries included. */
  calls: number
  accepted: number
}

export const makeService = (
  state: MemoryDeliveryStreamState,
  options: MemoryDeliveryStreamOptions = {},
): DeliveryStream["Service"] => {
  const limits = options.limits ?? firehosePutRecordBatch
  const maxAttempts = options.maxAttempts ?? 4

  const putRecordBatch = (records: ReadonlyArray<Uint8Array>) =>
    Effect.suspend(() => {
      const results: PutRecordResult[] = new Array(records.length)
      const plan = planBatches(
        records.map((data, index) => ({ data, index })),
        (record) => record.data.byteLength,
        limits,
      )
      for (const rejected of plan.rejected) {
        results[rejected.record.index] = { _tag: "Failed", error: new Poison({ reason: rejected.reason }) }
      }
      let pending = plan.batches.flat()
      const lastError = new Map<number, Retryable | Throttled>()
      for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt++) {
        const failed: typeof pending = []
        for (const call of planBatches(pending, (r) => r.data.byteLength, limits).batches) {
          state.calls++
          const fault = state.injector.draw(true)
          if (fault === "crash")
            return Effect.die(new SimulatedCrash("simulated crash before PutRecordBatch"))
          for (const record of call) {
            const error =
              fault === "throttle"
                ? new Throttled({ reason: "simulated ServiceUnavailableException: slow down" })
                : fault === "error"
                  ? new Retryable({ reason: "simulated InternalFailure" })
                  : fault === "partial" && !state.injector.keep()
                    ? new Throttled({ reason: "simulated per-record ServiceUnavailableException" })
                    : undefined
            if (error === undefined || fault === "timeoutAfterWrite") {
              state.buffered.push(Uint8Array.from(record.data))
              state.accepted++
            }
            if (fault === "timeoutAfterWrite")
              lastError.set(
                record.index,
                new Retryable({ reason: "simulated timeout after the call succeeded" }),
              )
            else if (error !== undefined) lastError.set(record.index, error)
            if (error !== undefined || fault === "timeoutAfterWrite") failed.push(record)
            else results[record.index] = { _tag: "Accepted", recordId: `memory-${state.accepted}` }
          }
        }
        pending = failed
      }
      for (const record of pending) {
        results[record.index] = {
          _tag: "Failed",
          error: lastError.get(record.index) as Retryable | Throttled,
        }
      }
      return Effect.succeed(results)
    })

  return DeliveryStream.of({
    name: options.name ?? "memory-delivery-stream",
    limits,
    putRecordBatch,
    flush: () =>
      Effect.sync(() => {
        state.delivered.push(...state.buffered.splice(0))
      }),
  })
}

export const makeState = (options: MemoryDeliveryStreamOptions = {}): MemoryDeliveryStreamState => ({
  buffered: [],
  delivered: [],
  injector: makeFaultInjector(options.faults, options.seed),
  calls: 0,
  accepted: 0,
})

export const make = (options: MemoryDeliveryStreamOptions = {}): DeliveryStream["Service"] =>
  makeService(makeState(options), options)

export const layer = (options: MemoryDeliveryStreamOptions = {}): Layer.Layer<DeliveryStream> =>
  Layer.sync(DeliveryStream, () => make(options))

/** The service and its state, for tests that inspect what was delivered. */
export const memoryDeliveryStream = (options: MemoryDeliveryStreamOptions = {}) => {
  const state = makeState(options)
  return { service: makeService(state, options), state }
}
