import { describe, expect, it } from "vitest"
import { manualClock } from "../src/clock.ts"
import { ConnectGate } from "../src/connectGate.ts"
import { Scheduler } from "../src/scheduler.ts"

describe("manualClock", () => {
  it("fires timers in time order as it advances, and not before", async () => {
    const clock = manualClock(0)
    const fired: string[] = []
    clock.setTimer(30, () => fired.push("c"))
    clock.setTimer(10, () => fired.push("a"))
    clock.setTimer(10, () => fired.push("b"))
    const cancelled = clock.setTimer(20, () => fired.push("x"))
    cancelled.cancel()
    await clock.advance(9)
    expect(fired).toEqual([])
    await clock.advance(21)
    expect(fired).toEqual(["a", "b", "c"])
    expect(clock.now()).toBe(30)
    expect(clock.pending()).toBe(0)
  })
})

describe("Scheduler", () => {
  it("runs entries at their time, in order, and skips cancelled ones", async () => {
    const clock = manualClock(1_000)
    const scheduler = new Scheduler(clock)
    const ran: Array<[string, number]> = []
    scheduler.at(1_300, () => ran.push(["late", clock.now()]))
    scheduler.at(1_100, () => ran.push(["early", clock.now()]))
    scheduler.at(1_100, () => ran.push(["early-second", clock.now()]))
    scheduler.at(1_200, () => ran.push(["gone", clock.now()])).cancel()
    await clock.advance(500)
    expect(ran).toEqual([
      ["early", 1_100],
      ["early-second", 1_100],
      ["late", 1_300],
    ])
  })

  it("keeps one clock timer however many entries wait", () => {
    const clock = manualClock(0)
    const scheduler = new Scheduler(clock)
    for (let i = 0; i < 1_000; i++) scheduler.at(1_000 - i, () => {})
    expect(clock.pending()).toBe(1)
    expect(scheduler.size).toBe(1_000)
  })

  it("runs at most a slice per event-loop turn, yielding between slices", async () => {
    const clock = manualClock(0)
    const scheduler = new Scheduler(clock, { sliceSize: 10 })
    // Tasks that run in one synchronous stretch see the same `turn`; a microtask queued by the
    // first of them moves it on once that stretch ends.
    let turn = 0
    let pendingBump = false
    const turns: number[] = []
    for (let i = 0; i < 35; i++) {
      scheduler.at(5, () => {
        turns.push(turn)
        if (!pendingBump) {
          pendingBump = true
          queueMicrotask(() => {
            turn++
            pendingBump = false
          })
        }
      })
    }
    await clock.advance(5)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(turns).toHaveLength(35)
    const sizes = [...new Set(turns)].map((t) => turns.filter((x) => x === t).length)
    expect(sizes).toEqual([10, 10, 10, 5])
  })

  it("entries added while running that are due run in the same pass", async () => {
    const clock = manualClock(0)
    const scheduler = new Scheduler(clock)
    const ran: number[] = []
    scheduler.at(10, () => {
      ran.push(1)
      scheduler.at(10, () => ran.push(2))
      scheduler.at(20, () => ran.push(3))
    })
    await clock.advance(10)
    expect(ran).toEqual([1, 2])
    await clock.advance(10)
    expect(ran).toEqual([1, 2, 3])
  })

  it("clear cancels everything", async () => {
    const clock = manualClock(0)
    const scheduler = new Scheduler(clock)
    let ran = 0
    scheduler.at(10, () => ran++)
    scheduler.clear()
    await clock.advance(100)
    expect(ran).toBe(0)
    expect(clock.pending()).toBe(0)
  })
})

describe("ConnectGate", () => {
  it("lets `limit` holders in at once and the next in when one releases", async () => {
    const gate = new ConnectGate(2)
    const first = await gate.acquire()
    await gate.acquire()
    let thirdIn = false
    const third = gate.acquire().then((release) => {
      thirdIn = true
      return release
    })
    await Promise.resolve()
    expect(thirdIn).toBe(false)
    expect(gate.queued).toBe(1)
    first()
    first() // releasing twice frees one slot only
    await third
    expect(thirdIn).toBe(true)
    expect(gate.queued).toBe(0)
  })
})
