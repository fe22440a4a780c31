/**
 * What the chunks of one Kinesis batch share: each entry's fate, where it came from, which
 * device it belongs to, which readings were already seen, and which keys stopped.
 *
 * Entries are numbered across the batch ("ordinals"). Fates, record indexes and device indexes
 * live in typed arrays by ordinal, so a chunk's entry objects can be dropped once it is done,
 * and the per-record bookkeeping allocates nothing. Readings are remembered per device, then
 * per sort key — the event id in two steps, keyed by strings the items already hold — so
 * deduplication builds no key strings either.
 */
import type { Item } from "../ports/table.ts"

/** Fates of entries, by ordinal. */
export const PENDING = 0
export const STORED = 1
export const DEAD = 2
export const RETRY = 3
/** Poison, its dead letter not yet put. */
export const LETTER = 4

export interface DeviceState {
  readonly deviceId: string
  /** Ordinal of the first occurrence of each of the device's readings, by sort key. */
  readonly byTs: Map<string, number>
  /** The newest of the device's readings stored in this batch: its latest-state write. */
  newest: Item | undefined
}

export interface BatchState {
  fates: Uint8Array
  /** Index in `event.Records` of each entry's Kinesis record. */
  recordIndex: Int32Array
  /** Index in `devices` of each reading's device; -1 for poison. */
  deviceOf: Int32Array
  readonly devices: DeviceState[]
  readonly deviceIndex: Map<string, number>
  /** Partition keys stopped at a transient failure (ordered mode). */
  readonly blocked: Set<string>
  duplicates: number
}

export const makeBatchState = (expectedEntries: number): BatchState => {
  const capacity = Math.max(16, expectedEntries)
  return {
    fates: new Uint8Array(capacity),
    recordIndex: new Int32Array(capacity),
    deviceOf: new Int32Array(capacity),
    devices: [],
    deviceIndex: new Map(),
    blocked: new Set(),
    duplicates: 0,
  }
}

/** Makes room for `size` entries (KPL aggregates can outnumber the records). */
export const reserveEntries = (state: BatchState, size: number): void => {
  if (size <= state.fates.length) return
  const capacity = Math.max(size, state.fates.length * 2)
  const fates = new Uint8Array(capacity)
  fates.set(state.fates)
  state.fates = fates
  const recordIndex = new Int32Array(capacity)
  recordIndex.set(state.recordIndex)
  state.recordIndex = recordIndex
  const deviceOf = new Int32Array(capacity)
  deviceOf.set(state.deviceOf)
  state.deviceOf = deviceOf
}

/** The index of a device's state, created on first sight. */
export const deviceIndexOf = (state: BatchState, deviceId: string): number => {
  const known = state.deviceIndex.get(deviceId)
  if (known !== undefined) return known
  const index = state.devices.length
  state.devices.push({ deviceId, byTs: new Map(), newest: undefined })
  state.deviceIndex.set(deviceId, index)
  return index
}

/**
 * Write intents need string ids to map outcomes back; an entry's ordinal serves. The strings
 * are made once per container and reused by every batch (their hashes cached with them), up to
 * a bound that keeps the table small.
 */
const ORDINAL_IDS_CACHED = 100_000
const ordinalIds: string[] = []
export const ordinalId = (ordinal: number): string => {
  if (ordinal >= ORDINAL_IDS_CACHED) return String(ordinal)
  let id = ordinalIds[ordinal]
  if (id === undefined) {
    for (let o = ordinalIds.length; o <= ordinal; o++) ordinalIds.push(String(o))
    id = ordinalIds[ordinal] as string
  }
  return id
}
