/**
 * A gap of the local stack the simulation shows (reported, not fixed here: it lives in
 * packages/cli/src/stack): with several QoS 1 messages in flight — what a device flushing its
 * offline queue sends — a message whose append fails transiently is refused and resent, while
 * the next one, already in the broker, is made durable. The later reading reaches the stream
 * first and becomes the device's latest state while the earlier one is still retrying at the
 * device: invariant 3, broken above the consumer. With one message in flight (the hands-on
 * device, and every generated scenario) it never happens.
 *
 * The test pins the finding on a four-command scenario: the simulation must keep finding it
 * until the broker refuses every later in-flight message of a client after a refusal — then this
 * test is to be turned around, along with the broker model.
 */
import { describe, expect, it } from "vitest"
import type { Command } from "../src/scenario.ts"
import { simulate } from "../src/simulate.ts"
import { NO_FAULTS, scenario } from "./fixtures.ts"

const commands: Command[] = [
  { t: "disconnect", device: 0 },
  { t: "publish", device: 0, kind: "reading" },
  { t: "publish", device: 0, kind: "reading" },
  { t: "publish", device: 0, kind: "reading" },
  { t: "reconnect", device: 0 },
  { t: "poll", shard: 0 },
]

const run = (seed: number, window: number) =>
  simulate(
    scenario(commands, {
      seed,
      window,
      devices: [{ name: "device-1", seq: true }],
      faults: { ...NO_FAULTS, stream: { throttle: 0, partial: 0.5, readThrottle: 0 } },
    }),
  )

describe("known gap: pipelined publishes and a transient append failure", () => {
  it("lets a later reading become the latest while an earlier one is retrying at the device", async () => {
    let found: Awaited<ReturnType<typeof run>> | undefined
    for (let seed = 1; seed <= 300 && found === undefined; seed++) {
      const result = await run(seed, 3)
      if (result.violations.length > 0) found = result
    }
    expect(found, "the simulation no longer finds the gap: turn this test around").toBeDefined()
    expect(found?.violations[0]?.message).toMatch(
      /published before it by the same device, is still unresolved/,
    )
  })

  it("never happens with one message in flight, whatever the faults", async () => {
    for (let seed = 1; seed <= 300; seed++) expect((await run(seed, 1)).violations).toEqual([])
  })
})
