/**
 * A device's readings waiting for a connection: first in, first out, bounded.
 *
 * While the device is offline each new reading is appended; when the bound is reached the
 * oldest waiting reading is dropped and counted (newer data is worth more to a dashboard, and
 * the count makes the loss visible rather than silent). On reconnect the device drains the
 * queue in order. A ring buffer, so a full queue costs O(1) per reading and no reallocation.
 */

export class OfflineQueue<T> {
  private readonly slots: Array<T | undefined>
  private head = 0
  private size = 0
  /** Readings dropped because the queue was full. */
  dropped = 0

  constructor(readonly limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 0)
      throw new RangeError(`queue limit must be a whole number ≥ 0, got ${limit}`)
    this.slots = new Array(limit)
  }

  get length(): number {
    return this.size
  }

  /** Appends `item`; returns the item dropped to make room, if any. */
  push(item: T): T | undefined {
    if (this.limit === 0) {
      this.dropped++
      return item
    }
    if (this.size === this.limit) {
      const oldest = this.slots[this.head]
      this.slots[this.head] = item
      this.head = (this.head + 1) % this.limit
      this.dropped++
      return oldest
    }
    this.slots[(this.head + this.size) % this.limit] = item
    this.size++
    return undefined
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined
    const item = this.slots[this.head]
    this.slots[this.head] = undefined
    this.head = (this.head + 1) % this.limit
    this.size--
    return item
  }
}
