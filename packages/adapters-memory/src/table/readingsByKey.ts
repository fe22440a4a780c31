/**
 * The memory table's readings: a map by device, then by sort key — and, for tests and invariant
 * checks, the face of a `Map<string, Item>` keyed `<deviceId>\u0000<ts>`, as the table held them
 * before.
 *
 * Two levels because a write then builds no key string: the device and the sort key are strings
 * the item already holds (their hashes cached in them after the first lookup), where one flat
 * key meant a concatenation, a flattening and a fresh hash per write — in the consumer benchmark
 * the largest single cost of the table. Reads by device (`query`) need no scan of the others.
 *
 * The Map face (`get`, `set`, `has`, `delete`, `size`, iteration) splits its keys at the NUL,
 * which device names cannot contain; iteration runs device by device in first-write order.
 */
import type { Item } from "@sluice/core"

const SEPARATOR = "\u0000"

/** The flat key the Map face uses for a reading. */
export const readingKeyOf = (deviceId: string, ts: string): string => `${deviceId}${SEPARATOR}${ts}`

const splitKey = (key: string): readonly [string, string] | undefined => {
  const at = key.indexOf(SEPARATOR)
  return at < 0 ? undefined : [key.slice(0, at), key.slice(at + 1)]
}

export class ReadingsByKey implements Map<string, Item> {
  /** Readings by device, then by sort key: what the table's own code reads and writes. */
  readonly byDevice = new Map<string, Map<string, Item>>()
  #size = 0

  /** Upserts a reading under its own key. */
  put(item: Item): void {
    let byTs = this.byDevice.get(item.deviceId)
    if (byTs === undefined) {
      byTs = new Map()
      this.byDevice.set(item.deviceId, byTs)
    }
    const before = byTs.size
    byTs.set(item.ts, item)
    this.#size += byTs.size - before
  }

  find(deviceId: string, ts: string): Item | undefined {
    return this.byDevice.get(deviceId)?.get(ts)
  }

  get size(): number {
    return this.#size
  }

  get(key: string): Item | undefined {
    const split = splitKey(key)
    return split === undefined ? undefined : this.find(split[0], split[1])
  }

  has(key: string): boolean {
    return this.get(key) !== undefined
  }

  /** Stores `item` under `key` (normally the item's own key). */
  set(key: string, item: Item): this {
    const split = splitKey(key)
    if (split === undefined) throw new RangeError(`not a reading key: ${JSON.stringify(key)}`)
    let byTs = this.byDevice.get(split[0])
    if (byTs === undefined) {
      byTs = new Map()
      this.byDevice.set(split[0], byTs)
    }
    const before = byTs.size
    byTs.set(split[1], item)
    this.#size += byTs.size - before
    return this
  }

  delete(key: string): boolean {
    const split = splitKey(key)
    const byTs = split === undefined ? undefined : this.byDevice.get(split[0])
    if (split === undefined || byTs === undefined || !byTs.delete(split[1])) return false
    this.#size--
    if (byTs.size === 0) this.byDevice.delete(split[0])
    return true
  }

  clear(): void {
    this.byDevice.clear()
    this.#size = 0
  }

  *entries(): MapIterator<[string, Item]> {
    for (const [deviceId, byTs] of this.byDevice)
      for (const [ts, item] of byTs) yield [readingKeyOf(deviceId, ts), item]
  }

  *keys(): MapIterator<string> {
    for (const [key] of this.entries()) yield key
  }

  *values(): MapIterator<Item> {
    for (const byTs of this.byDevice.values()) yield* byTs.values()
  }

  forEach(callback: (value: Item, key: string, map: Map<string, Item>) => void, thisArg?: unknown): void {
    for (const [key, item] of this.entries()) callback.call(thisArg, item, key, this)
  }

  [Symbol.iterator](): MapIterator<[string, Item]> {
    return this.entries()
  }

  get [Symbol.toStringTag](): string {
    return "Map"
  }
}
