/**
 * The Table port in memory, with seeded fault injection.
 *
 * Behaves as the contract suite requires of every table: upserts by (deviceId, ts), ordered
 * scans and queries, a conditional latest-state write, and DynamoDB's batch limits (so the
 * planner is exercised as on AWS). Faults (faults.ts) hit writes only. Items are stored as
 * given, not copied — they are immutable by type — and by device, then sort key
 * (readingsByKey.ts), so a write builds no key string: the memory table costs almost nothing in
 * benchmarks. `state.readings` still reads as a `Map` keyed `<deviceId>\u0000<ts>`.
 *
 * `make` builds the service, `layer` provides it, `memoryTable()` is the plain-Promise facade
 * with `scan(): Promise<Item[]>` for people who don't use Effect.
 */
import {
  type BatchLimits,
  type ConditionalPutResult,
  dynamoBatchWriteItem,
  type Item,
  Poison,
  plainTableOf,
  Retryable,
  Table,
  type TableError,
  Throttled,
  type TimeRange,
} from "@sluice/core"
import { Effect, Layer } from "effect"
import {
  type FaultInjector,
  type FaultKind,
  type FaultPlan,
  makeFaultInjector,
  SimulatedCrash,
} from "../faults.ts"
import { ReadingsByKey } from "./readingsByKey.ts"

export interface MemoryTableOptions {
  readonly faults?: FaultPlan
  /** Seed of the fault injector; the same seed injects the same faults. */
  readonly seed?: number
  readonly limits?: BatchLimits
}

export interface MemoryTableState {
  /** By device, then sort key; also a `Map` keyed `<deviceId>\u0000<ts>` (readingsByKey.ts). */
  readonly readings: ReadingsByKey
  readonly latest: Map<string, Item>
  readonly injector: FaultInjector
  /** Writes applied, by operation. */
  readonly writes: { put: number; batchWrite: number; putLatestIfNewer: number }
}

const byKey = (a: Item, b: Item) =>
  a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0

/**
 * Runs `body` with the operation's fault, drawn when the effect runs, not when it is built: a
 * retried effect must draw again, as a retried call to a real store meets a new outcome. One
 * `suspend`, no chain: a batch write is a single step for the effect runtime.
 */
const withFault = <A>(
  state: MemoryTableState,
  batch: boolean,
  body: (fault: FaultKind | undefined) => Effect.Effect<A, TableError>,
): Effect.Effect<A, TableError> =>
  Effect.suspend(() => {
    const fault = state.injector.draw(batch)
    if (fault === "throttle") return Effect.fail(new Throttled({ reason: "simulated throttling" }))
    if (fault === "error") return Effect.fail(new Retryable({ reason: "simulated transient error" }))
    return body(fault)
  })

const poisonReason = (state: MemoryTableState, item: Item) => state.injector.plan.poison?.(item)

/** Builds the service over the given state (shared state lets tests inspect it). */
export const makeService = (state: MemoryTableState, limits: BatchLimits): Table["Service"] => {
  const applyOne = (item: Item) => state.readings.put(item)
  const afterWrite = <A>(fault: string | undefined, value: A): Effect.Effect<A, TableError> =>
    fault === "timeoutAfterWrite"
      ? Effect.fail(new Retryable({ reason: "simulated timeout after the write succeeded" }))
      : Effect.succeed(value)

  const put = (item: Item) =>
    withFault(state, false, (fault) => {
      const poison = poisonReason(state, item)
      if (poison) return Effect.fail(new Poison({ reason: poison }))
      if (fault === "crash") return Effect.die(new SimulatedCrash("simulated crash before put"))
      applyOne(item)
      state.writes.put++
      return afterWrite(fault, undefined)
    })

  const batchWrite = (items: ReadonlyArray<Item>) =>
    withFault(state, true, (fault) => {
      if (items.length > limits.maxCount) {
        return Effect.fail(
          new Poison({ reason: `batch of ${items.length} items exceeds the limit of ${limits.maxCount}` }),
        )
      }
      for (const item of items) {
        const poison = poisonReason(state, item)
        if (poison) return Effect.fail(new Poison({ reason: poison }))
      }
      if (fault === "crash") {
        const applied = state.injector.prefix(items.length)
        for (const item of items.slice(0, applied)) applyOne(item)
        return Effect.die(new SimulatedCrash(`simulated crash after ${applied} of ${items.length} items`))
      }
      const unprocessed: Item[] = []
      for (const item of items) {
        if (fault === "partial" && !state.injector.keep()) unprocessed.push(item)
        else applyOne(item)
      }
      state.writes.batchWrite++
      return afterWrite(fault, { unprocessed })
    })

  const putLatestIfNewer = (item: Item) =>
    withFault(state, false, (fault): Effect.Effect<ConditionalPutResult, TableError> => {
      if (fault === "crash") return Effect.die(new SimulatedCrash("simulated crash before conditional put"))
      // Condition: attribute_not_exists(deviceId) OR ts < :ts — checked and applied atomically.
      const existing = state.latest.get(item.deviceId)
      if (existing !== undefined && !(existing.ts < item.ts))
        return Effect.succeed({ written: false, existing })
      state.latest.set(item.deviceId, item)
      state.writes.putLatestIfNewer++
      return afterWrite(fault, { written: true })
    })

  const query = (deviceId: string, range: TimeRange = {}) =>
    Effect.sync(() =>
      [...(state.readings.byDevice.get(deviceId)?.values() ?? [])]
        .filter(
          (item) =>
            (range.from === undefined || item.ts >= range.from) &&
            (range.to === undefined || item.ts <= range.to),
        )
        .sort(byKey),
    )

  return Table.of({
    limits,
    put,
    batchWrite,
    putLatestIfNewer,
    get: ({ deviceId, ts }) => Effect.sync(() => state.readings.find(deviceId, ts)),
    query,
    scan: () => Effect.sync(() => [...state.readings.values()].sort(byKey)),
    getLatest: (deviceId) => Effect.sync(() => state.latest.get(deviceId)),
    scanLatest: () => Effect.sync(() => [...state.latest.values()].sort(byKey)),
  })
}

export const makeState = (options: MemoryTableOptions = {}): MemoryTableState => ({
  readings: new ReadingsByKey(),
  latest: new Map(),
  injector: makeFaultInjector(options.faults, options.seed),
  writes: { put: 0, batchWrite: 0, putLatestIfNewer: 0 },
})

export const make = (options: MemoryTableOptions = {}): Table["Service"] =>
  makeService(makeState(options), options.limits ?? dynamoBatchWriteItem)

export const layer = (options: MemoryTableOptions = {}): Layer.Layer<Table> =>
  Layer.sync(Table, () => make(options))

/**
 * A memory table with plain-Promise methods — `scan(): Promise<Item[]>` and the rest — that the
 * handlers accept directly (`kinesisConsumer({ table: memoryTable() })`). `state` exposes the
 * stored maps, write counts and injected-fault counts to tests.
 */
export const memoryTable = (options: MemoryTableOptions = {}) => {
  const state = makeState(options)
  return { ...plainTableOf(makeService(state, options.limits ?? dynamoBatchWriteItem)), state }
}
export type MemoryTable = ReturnType<typeof memoryTable>
