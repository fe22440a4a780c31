/**
 * The checks themselves: a world left in a known good state passes them, and each kind of
 * damage done to it behind the pipeline's back — a record skipped, an item changed, a latest
 * state moved back, an oversized call, a torn lake object, a polluted prototype — is reported
 * as a violation of the invariant it breaks.
 */
import { gzipSync } from "node:zlib"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { makeChecker } from "../src/invariants/check.ts"
import type { Command } from "../src/scenario.ts"
import { CONSUMER_NAME } from "../src/world/consumerShard.ts"
import { KINESIS_STREAM } from "../src/world/ports.ts"
import { makeWorld } from "../src/world/world.ts"
import { scenario } from "./fixtures.ts"

const readings = (device: number, count: number): Command[] =>
  Array.from({ length: count }, () => ({ t: "publish", device, kind: "reading" }) as const).flatMap((c) => [
    c,
    { t: "advance", ms: 1_000 } as const,
  ])

const worldAfter = async (commands: ReadonlyArray<Command>) => {
  const world = await makeWorld(scenario(commands))
  for (const command of commands) await world.step(command)
  return { world, checker: makeChecker(world) }
}

const invariants = (checker: ReturnType<typeof makeChecker>) =>
  checker.check().violations.map((v) => v.invariant)

describe("the invariant checks", () => {
  it("pass on a world the pipeline moved by itself", async () => {
    const { checker } = await worldAfter([
      ...readings(0, 3),
      { t: "poll", shard: 0 },
      { t: "lake" },
      { t: "index" },
    ])
    expect(checker.check().violations).toEqual([])
  })

  it("report a record the consumer's checkpoint skipped as lost", async () => {
    const { world, checker } = await worldAfter(readings(0, 2))
    const shard = world.ports.streams.get(KINESIS_STREAM)?.state.shards[0]
    const last = shard?.records.at(-1)?.sequenceNumber as string
    world.ports.checkpointState.set(CONSUMER_NAME, new Map([[shard?.shardId as string, last]]))
    expect(
      checker
        .check()
        .violations.map((v) => v.message)
        .join("\n"),
    ).toMatch(/is lost/)
  })

  it("report a table item that differs from every reading published under its key", async () => {
    const { world, checker } = await worldAfter([...readings(0, 1), { t: "poll", shard: 0 }])
    const [key, item] = [...world.ports.tableState.readings][0] as [string, Record<string, unknown>]
    world.ports.tableState.readings.set(key, { ...item, TEMPERATURE: 99 } as never)
    expect(invariants(checker)).toContain("effectively once / per-device order")
  })

  it("report a latest state that moves backwards", async () => {
    const { world, checker } = await worldAfter([...readings(0, 2), { t: "poll", shard: 0 }])
    expect(checker.check().violations).toEqual([])
    const older = [...world.ports.tableState.readings.values()][0]
    world.ports.tableState.latest.set("device-1", older as never)
    expect(
      checker
        .check()
        .violations.map((v) => v.message)
        .join("\n"),
    ).toMatch(/moved backwards/)
  })

  it("report a call over its service's limits", async () => {
    const { world, checker } = await worldAfter([])
    const items = Array.from({ length: 26 }, (_, i) => ({ deviceId: "x", ts: String(i) }))
    await Effect.runPromiseExit(world.ports.table.batchWrite(items))
    expect(invariants(checker)).toContain("limits")
  })

  it("report a torn lake object", async () => {
    const { world, checker } = await worldAfter([])
    const body = gzipSync('{"a":1}\n')
    world.ports.objectState.objects.set("telemetry/year=2026/x.gz", body.subarray(0, body.length - 3))
    expect(invariants(checker)).toContain("lake objects whole")
  })

  it("report a polluted prototype", async () => {
    const { checker } = await worldAfter([])
    ;(Object.prototype as Record<string, unknown>).polluted = "yes"
    try {
      expect(invariants(checker)).toContain("no prototype pollution")
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted
    }
  })
})
