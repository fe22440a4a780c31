/**
 * The durable half of the world: every port the pipeline writes to, in memory, with seeded
 * faults — the stores that survive a process crash, as disks and cloud services do.
 *
 * The adapters are adapters-memory's own; this file only gives them mutable fault plans (so a
 * `calm` command, and the final drain, can turn transient faults off and `storm` back on) and
 * wraps the batch calls to record every call that breaks its service's limits (invariant 6).
 * Dead letters get a small faulty wrapper here, since the memory store has no faults of its own.
 * Deterministic rejections (the table refusing TEMPERATURE -273) stay on in calm weather: they
 * are the record's fault, not the weather's.
 */
import {
  MemoryCheckpoints,
  MemoryDeadLetters,
  MemoryObjectStore,
  MemorySearchIndex,
  MemoryStream,
  MemoryTable,
  type MemoryTableState,
  makeFaultInjector,
} from "@sluice/adapters-memory"
import {
  type BatchLimits,
  bulkItemBytes,
  type DeadLetter,
  DeadLetters,
  itemBytes,
  Retryable,
  type SearchIndex,
  type Stream,
  type Table,
  Throttled,
  utf8Length,
} from "@sluice/core"
import { Effect } from "effect"
import type { FaultRates, SimConfig } from "../scenario.ts"
import { firehoseStream, SEARCH_STREAM } from "./ledger.ts"
import { REJECTED_TEMPERATURE } from "./payloads.ts"

/** Names of the streams the hands-on rules deliver to. */
export const KINESIS_STREAM = "telemetry"
export const LAKE_STREAM = firehoseStream("telemetry-lake")
export const STREAM_NAMES = [KINESIS_STREAM, LAKE_STREAM, SEARCH_STREAM] as const

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** One mutable fault plan per port: the adapters read it on every call. */
export interface LivePlans {
  readonly stream: Mutable<FaultRates["stream"]>
  readonly table: Mutable<FaultRates["table"]> & { poison: (item: unknown) => string | undefined }
  readonly deadLetters: Mutable<FaultRates["deadLetters"]>
  readonly checkpoints: Mutable<FaultRates["checkpoints"]>
  readonly objectStore: Mutable<FaultRates["objectStore"]>
  readonly search: Mutable<Omit<FaultRates["search"], "itemErrors">>
}

const rejectImpossibleTemperature = (item: unknown) =>
  (item as { TEMPERATURE?: unknown }).TEMPERATURE === REJECTED_TEMPERATURE
    ? "simulated validation error: TEMPERATURE is below absolute zero"
    : undefined

const livePlans = (rates: FaultRates): LivePlans => ({
  stream: { ...rates.stream },
  table: { ...rates.table, poison: rejectImpossibleTemperature },
  deadLetters: { ...rates.deadLetters },
  checkpoints: { ...rates.checkpoints },
  objectStore: { ...rates.objectStore },
  search: {
    throttle: rates.search.throttle,
    error: rates.search.error,
    partial: rates.search.partial,
    timeoutAfterWrite: rates.search.timeoutAfterWrite,
  },
})

const zero = (plan: Record<string, unknown>) => {
  for (const key of Object.keys(plan)) if (typeof plan[key] === "number") plan[key] = 0
}

/** Records calls over a service's limits (invariant 6). */
const checkCall = (violations: string[], what: string, limits: BatchLimits, sizes: ReadonlyArray<number>) => {
  const total = sizes.reduce((sum, size) => sum + size, 0)
  if (sizes.length > limits.maxCount)
    violations.push(`${what}: ${sizes.length} records, over ${limits.maxCount}`)
  if (total > limits.maxBytes) violations.push(`${what}: ${total} bytes, over ${limits.maxBytes}`)
  const largest = Math.max(0, ...sizes)
  if (largest > limits.maxRecordBytes)
    violations.push(`${what}: a record of ${largest} bytes, over ${limits.maxRecordBytes}`)
}

const faultyDeadLetters = (
  letters: Map<string, DeadLetter>,
  plan: LivePlans["deadLetters"],
  seed: number,
) => {
  const inner = MemoryDeadLetters.makeService(letters)
  const injector = makeFaultInjector(plan, seed)
  const service = DeadLetters.of({
    list: inner.list,
    put: (batch) =>
      Effect.suspend(() => {
        const fault = injector.draw(false)
        if (fault === "throttle")
          return Effect.fail(new Throttled({ reason: "simulated dead-letter throttling" }))
        if (fault === "error")
          return Effect.fail(new Retryable({ reason: "simulated dead-letter store error" }))
        return inner
          .put(batch)
          .pipe(
            Effect.andThen(
              fault === "timeoutAfterWrite"
                ? Effect.fail(
                    new Retryable({ reason: "simulated timeout after the dead letters were stored" }),
                  )
                : Effect.void,
            ),
          )
      }),
  })
  return { service, counts: injector.counts }
}

export type Ports = ReturnType<typeof makePorts>

export const makePorts = (config: SimConfig, now: () => number) => {
  const plans = livePlans(config.faults)
  const limitViolations: string[] = []
  const seed = (n: number) => (config.seed * 31 + n) >>> 0

  const streams = new Map<string, { state: MemoryStream.MemoryStreamState; service: Stream["Service"] }>()
  for (const [i, name] of STREAM_NAMES.entries()) {
    const options = {
      name,
      shardCount: config.shards,
      faults: plans.stream,
      seed: seed(i + 1),
      limits: config.limits.stream,
      now,
    }
    const state = MemoryStream.makeState(options)
    const inner = MemoryStream.makeService(state, options)
    const service: Stream["Service"] = {
      ...inner,
      putRecords: (entries) =>
        Effect.suspend(() => {
          // Per record, the port's contract is a per-entry Poison, not a broken call: only the
          // call's count and bytes are limits a producer must respect.
          const sizes = entries.map((e) => utf8Length(e.partitionKey) + e.data.length)
          checkCall(
            limitViolations,
            `${name} PutRecords`,
            { ...config.limits.stream, maxRecordBytes: Number.POSITIVE_INFINITY },
            sizes,
          )
          return inner.putRecords(entries)
        }),
    }
    streams.set(name, { state, service })
  }

  const tableState: MemoryTableState = MemoryTable.makeState({ faults: plans.table, seed: seed(10) })
  const tableInner = MemoryTable.makeService(tableState, config.limits.table)
  const table: Table["Service"] = {
    ...tableInner,
    batchWrite: (items) =>
      Effect.suspend(() => {
        checkCall(limitViolations, "table BatchWriteItem", config.limits.table, items.map(itemBytes))
        return tableInner.batchWrite(items)
      }),
  }

  const letters = new Map<string, DeadLetter>()
  const { service: deadLetters, counts: deadLetterFaults } = faultyDeadLetters(
    letters,
    plans.deadLetters,
    seed(11),
  )
  const checkpointState: MemoryCheckpoints.MemoryCheckpointsState = new Map()
  const checkpoints = MemoryCheckpoints.makeService(checkpointState, {
    faults: plans.checkpoints,
    seed: seed(12),
  })
  const objectState = MemoryObjectStore.makeState({ faults: plans.objectStore, seed: seed(13) })
  const objects = MemoryObjectStore.makeService(objectState)
  const searchState = MemorySearchIndex.makeState({
    faults: plans.search,
    itemErrors: config.faults.search.itemErrors,
    seed: seed(14),
  })
  const searchInner = MemorySearchIndex.makeService(searchState, config.limits.search)
  const search: SearchIndex["Service"] = {
    ...searchInner,
    bulk: (documents) =>
      Effect.suspend(() => {
        checkCall(limitViolations, "search _bulk", config.limits.search, documents.map(bulkItemBytes))
        return searchInner.bulk(documents)
      }),
  }

  /** Transient faults off (deterministic rejections stay). */
  const calm = () => {
    for (const plan of [
      plans.stream,
      plans.table,
      plans.deadLetters,
      plans.checkpoints,
      plans.objectStore,
      plans.search,
    ])
      zero(plan as Record<string, unknown>)
    ;(searchState as { itemErrors: number }).itemErrors = 0
  }
  /** Transient faults back to the configured rates. */
  const storm = () => {
    const fresh = livePlans(config.faults)
    Object.assign(plans.stream, fresh.stream)
    Object.assign(plans.table, fresh.table)
    Object.assign(plans.deadLetters, fresh.deadLetters)
    Object.assign(plans.checkpoints, fresh.checkpoints)
    Object.assign(plans.objectStore, fresh.objectStore)
    Object.assign(plans.search, fresh.search)
    ;(searchState as { itemErrors: number }).itemErrors = config.faults.search.itemErrors
  }

  /** Faults injected so far, per port and kind. */
  const injected = () => {
    const nonzero = (counts: Readonly<Record<string, number>>) =>
      Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0))
    const stream = { throttled: 0, failedEntries: 0, readsThrottled: 0 }
    for (const { state } of streams.values()) {
      stream.throttled += state.faults.throttled
      stream.failedEntries += state.faults.failedEntries
      stream.readsThrottled += state.faults.readsThrottled
    }
    return {
      stream: nonzero(stream),
      table: nonzero(tableState.injector.counts),
      deadLetters: nonzero(deadLetterFaults),
      objectStore: nonzero(objectState.injector.counts),
      search: nonzero(searchState.injector.counts),
    }
  }

  return {
    plans,
    injected,
    limitViolations,
    streams,
    stream: (name: string) => streams.get(name)?.service,
    table,
    tableState,
    deadLetters,
    letters,
    checkpoints,
    checkpointState,
    objects,
    objectState,
    search,
    searchState,
    calm,
    storm,
  }
}
