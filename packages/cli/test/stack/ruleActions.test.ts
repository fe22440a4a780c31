/**
 * The rules at the broker's door, against in-memory appends: what is acknowledged, what is
 * refused (no PUBACK) and what is dead-lettered — and that a resent message is dead-lettered once.
 */
import {
  type DeadLetter,
  handsOnRules,
  IOT_CORE_MAX_PAYLOAD_BYTES,
  loadRules,
  Retryable,
  type StreamEntry,
} from "@sluice/core"
import { describe, expect, it } from "vitest"
import type { AcceptedMessage } from "../../src/stack/broker.ts"
import { type Append, makeRuleRouter } from "../../src/stack/ruleActions.ts"

const loaded = loadRules(handsOnRules)
if (!loaded.ok) throw new Error("hands-on rules do not load")
const rules = loaded.value

const routerWith = (options: { failAppends?: boolean } = {}) => {
  const appended = new Map<string, StreamEntry[]>()
  const letters = new Map<string, DeadLetter>()
  const sink =
    (name: string): Append =>
    async (entries) => {
      if (options.failAppends)
        return entries.map(() => ({ _tag: "Failed", error: new Retryable({ reason: "disk error" }) }))
      appended.set(name, [...(appended.get(name) ?? []), ...entries])
      return entries.map((_, i) => ({
        _tag: "Put",
        shardId: "shardId-000000000000",
        sequenceNumber: String(i),
      }))
    }
  const router = makeRuleRouter({
    rules,
    sinks: { kinesis: sink, firehose: sink, search: sink("search"), republish: async () => {} },
    deadLetter: async (letter) => void letters.set(letter.id, letter),
    now: () => 1_764_140_000_000,
  })
  return { router, appended, letters }
}

const message = (payload: string | Uint8Array): AcceptedMessage => ({
  topic: "data/device-1",
  clientId: "device-1",
  qos: 1,
  payload: typeof payload === "string" ? new TextEncoder().encode(payload) : payload,
})

describe("rules at the broker door", () => {
  it("appends every action of a reading before acknowledging it", async () => {
    const { router, appended } = routerWith()
    await router.accept(
      message('{"DEVICE_NAME":"device-1","TIMESTAMP":"2026-11-26T07:12:43","TEMPERATURE":21,"HUMIDITY":48}'),
    )
    expect([...appended.keys()].sort()).toEqual(["search", "telemetry", "telemetry-lake"])
    expect(appended.get("telemetry")?.[0]?.partitionKey).toBe("device-1")
    expect(router.stats()).toMatchObject({ received: 1, routed: 3, failedActions: 0 })
  })

  it("refuses the message (no PUBACK) when an append fails transiently", async () => {
    const { router } = routerWith({ failAppends: true })
    await expect(router.accept(message('{"DEVICE_NAME":"device-1"}'))).rejects.toMatchObject({
      _tag: "Retryable",
    })
  })

  it("dead-letters a payload over IoT Core's limit instead of refusing it, once however often it is resent", async () => {
    const { router, letters, appended } = routerWith()
    const big = message(new Uint8Array(IOT_CORE_MAX_PAYLOAD_BYTES + 1).fill(0x61))
    await router.accept(big)
    await router.accept(big)
    expect(appended.size).toBe(0)
    expect([...letters.values()].map((l) => l.reason)).toEqual([
      `payload is ${IOT_CORE_MAX_PAYLOAD_BYTES + 1} bytes, over IoT Core's ${IOT_CORE_MAX_PAYLOAD_BYTES}-byte limit`,
    ])
  })

  it("dead-letters an output that cannot be serialised instead of blocking the device", async () => {
    const { router, letters } = routerWith()
    const deep = `{"DEVICE_NAME":"device-1","x":${"[".repeat(100_000)}${"]".repeat(100_000)}}`
    await router.accept(message(deep))
    const once = letters.size
    await router.accept(message(deep))
    expect(once).toBeGreaterThanOrEqual(1)
    expect(letters.size).toBe(once)
    expect(new Set([...letters.values()].map((l) => l.source?.topic))).toEqual(new Set(["data/device-1"]))
  })
})
