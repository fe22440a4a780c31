import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { OfflineQueue } from "../src/offlineQueue.ts"

describe("OfflineQueue", () => {
  it("keeps order, and drops the oldest beyond its bound, counting them", () => {
    const queue = new OfflineQueue<number>(3)
    for (const n of [1, 2, 3]) expect(queue.push(n)).toBeUndefined()
    expect(queue.push(4)).toBe(1)
    expect(queue.push(5)).toBe(2)
    expect(queue.dropped).toBe(2)
    expect([queue.shift(), queue.shift(), queue.shift(), queue.shift()]).toEqual([3, 4, 5, undefined])
  })

  it("with bound 0 keeps nothing", () => {
    const queue = new OfflineQueue<number>(0)
    expect(queue.push(1)).toBe(1)
    expect(queue.length).toBe(0)
    expect(queue.dropped).toBe(1)
  })

  it("refuses a bad bound", () => {
    expect(() => new OfflineQueue(-1)).toThrow(RangeError)
    expect(() => new OfflineQueue(1.5)).toThrow(RangeError)
  })

  it("behaves like a bounded array: newest `limit` items in order, everything else counted", () => {
    checkProperty(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.oneof(fc.constant("shift" as const), fc.nat())),
        (limit, ops) => {
          const queue = new OfflineQueue<number>(limit)
          const model: number[] = []
          let dropped = 0
          for (const op of ops) {
            if (op === "shift") expect(queue.shift()).toBe(model.shift())
            else {
              model.push(op)
              if (model.length > limit) {
                model.shift()
                dropped++
              }
              queue.push(op)
            }
            expect(queue.length).toBe(model.length)
            expect(queue.dropped).toBe(dropped)
          }
        },
      ),
    )
  })
})
