/**
 * What the chunks of one Kinesis batch share: each entry's fate, where it came from, which
 * device it belongs to, which readings were already seen, and which keys stopped.
 *
 * Entries are numbered across the batch ("ordinals"). Fates, record indexes and device indexes
 * live in typed arrays by ordinal, so a chunk's entry objects can be dropped once it is done,
 * and the per-record bookkeeping allocates nothing. Readings are remembered per device, then
 * per sort key — the event id in two steps, keyed by strings the items already hold — so
 * deduplication builds no key strings either. While a device's readings arrive in increasing
 * sort-key order (a shard keeps each device's order, so nearly always), a reading above the
 * greatest seen cannot repeat one: it is appended to two arrays, and the map by sort key is built
 * only at the device's first reading that is not above it.
 */
import type { Item } from "../ports/table.ts"

/** Fates of entries, by ordinal (0: not decided yet). */
export const STORED = 1
export const DEAD = 2
export const RETRY = 3
/** Poison, its dead letter not yet put. */
export const LETTER = 4

export interface DeviceState {
  readonly deviceId: string
  /** The greatest sort key of the device's readings so far. */
  maxTs: string | undefined
  /** Sort keys and ordinals of the first occurrences, in arrival order (until `byTs` exists). */
  readonly firstTs: string[]
  readonly firstOrdinals: number[]
  /** Ordinal of the first occurrence of each sort key, once one arrived out of order. */
  byTs: Map<string, number> | undefined
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
  state.devices.push({
    deviceId,
    maxTs: undefined,
    firstTs: [],
    firstOrdinals: [],
    byTs: undefined,
    newest: undefined,
  })
  state.deviceIndex.set(deviceId, index)
  return index
}

/**
 * The ordinal of the reading's first occurrence in the batch, or -1 when this is it (and it is
 * remembered as ordinal `o`).
 */
export const firstOccurrence = (device: DeviceState, item: Item, o: number): number => {
  const ts = item.ts
  let byTs = device.byTs
  if (byTs === undefined) {
    if (device.maxTs === undefined || ts > device.maxTs) {
      device.maxTs = ts
      device.firstTs.push(ts)
      device.firstOrdinals.push(o)
      return -1
    }
    byTs = new Map()
    for (let k = 0; k < device.firstTs.length; k++)
      byTs.set(device.firstTs[k] as string, device.firstOrdinals[k] as number)
    device.byTs = byTs
  }
  const first = byTs.get(ts)
  if (first !== undefined) return first
  byTs.set(ts, o)
  return -1
}
