import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { suite } from "../src/contract/index.ts"
import { MemoryDeadLetters, MemoryTable } from "../src/index.ts"

suite("memory", { table: () => MemoryTable.layer(), deadLetters: () => MemoryDeadLetters.layer() })

describe("memory table faults", () => {
  it("draws a new fault each time an operation's effect runs, so retries can succeed", async () => {
    const table = MemoryTable.make({ seed: 7, faults: { throttle: 0.5 } })
    const put = table.put({ deviceId: "d", ts: "t" })
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => Effect.runPromiseExit(put)))
    expect(new Set(outcomes.map((exit) => exit._tag))).toEqual(new Set(["Success", "Failure"]))
  })
})
