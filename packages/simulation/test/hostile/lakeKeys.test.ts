/**
 * Hostile names against the lake's keys: a device name (or any value a custom transform
 * returns as a partition key) either fails with a reason or becomes exactly one key segment
 * under its prefix — never a `..`, a separator, or a key outside the lake — and the filesystem
 * store, given any key at all, writes nothing outside its folder.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { FileObjectStore } from "@sluice/adapters-local"
import {
  DEVICE_NAME_PATTERN,
  evaluatePrefix,
  keySegmentProblem,
  objectKeyProblem,
  parsePrefix,
} from "@sluice/core"
import { checkAsyncProperty, checkProperty } from "@sluice/testkit"
import { Effect } from "effect"
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import { deviceNameCases } from "../../src/hostile/corpus.ts"
import { hostileDeviceName, hostileString, hostileTopic } from "../../src/hostile/fuzz.ts"
import { checkPrototypeAfterEach } from "./prototype.ts"

checkPrototypeAfterEach()

const template = parsePrefix("devices/!{partitionKeyFromLambda:device}/", { forErrors: false })
if (template._tag !== "Success") throw new Error(template.failure)

/** The key a device's objects would get under a prefix partitioned by device. */
const keyFor = (device: string) =>
  evaluatePrefix(template.success, { timestampMs: 0, partitionKeys: { device } })

/**
 * As the local delivery stream uses it: evaluate the prefix, then check the finished key
 * (deliveryBuffers.ts) — a value refused by either goes to the error output with the reason.
 * A value that passes both is exactly one segment under the prefix.
 */
const refusedOrOneSegment = (device: string) => {
  const key = keyFor(device)
  const problem = key._tag === "Failure" ? key.failure : objectKeyProblem(`${key.success}object.gz`)
  if (problem !== undefined) {
    expect(problem.length).toBeGreaterThan(3)
    return
  }
  if (key._tag !== "Success") return
  expect(key.success.startsWith("devices/")).toBe(true)
  expect(key.success.slice("devices/".length, -1)).toBe(device)
  expect(keySegmentProblem(device)).toBeUndefined()
}

describe("hostile device names as lake keys", () => {
  it.each(deviceNameCases().map((c) => [JSON.stringify(c.name.slice(0, 40)), c] as const))("%s", (_, c) => {
    expect(DEVICE_NAME_PATTERN.test(c.name)).toBe(c.valid)
    // A valid thing name is always a safe key segment; anything else is refused or stays one segment.
    if (c.valid) {
      const key = keyFor(c.name)
      expect(key._tag === "Success" && objectKeyProblem(`${key.success}object.gz`)).toBeUndefined()
    }
    refusedOrOneSegment(c.name)
  })

  it("keeps any fuzzed partition value to one segment under its prefix", () =>
    checkProperty(fc.property(fc.oneof(hostileDeviceName, hostileString), refusedOrOneSegment), 500))
})

describe("the filesystem lake under hostile keys", () => {
  const parent = mkdtempSync(path.join(tmpdir(), "sluice-hostile-keys-"))
  afterAll(() => rmSync(parent, { recursive: true, force: true }))
  const filesUnder = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
    )

  it("writes nothing outside its folder, whatever the key", async () => {
    const root = path.join(parent, "lake")
    const store = await Effect.runPromise(Effect.orDie(FileObjectStore.make({ root })))
    await checkAsyncProperty(
      fc.asyncProperty(fc.oneof(hostileTopic, hostileDeviceName, hostileString), async (key) => {
        const exit = await Effect.runPromiseExit(store.put(key, new TextEncoder().encode("x")))
        if (exit._tag === "Failure") expect(JSON.stringify(exit.cause)).toContain("Poison")
        else expect(objectKeyProblem(key)).toBeUndefined()
      }),
      300,
    )
    expect(readdirSync(parent)).toEqual(["lake"])
    for (const file of filesUnder(root)) expect(file.startsWith(root + path.sep)).toBe(true)
  })
})
