/**
 * Local checkpoints are durable files: a new instance (a restarted process) reads what the
 * last one set, a stale set after a restart still cannot move a checkpoint back, and no
 * temporary file is left behind.
 */
import { readdirSync, readFileSync } from "node:fs"
import { afterEach, describe, expect, it } from "vitest"
import { openLocalCheckpoints } from "../../src/stream/localCheckpoints.ts"
import { removeDir, tempDir } from "./tempDirs.ts"

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir)
})

describe("local checkpoints", () => {
  it("survive a restart, stay monotonic across it, and leave only their own files", async () => {
    const dir = tempDir("sluice-cp-")
    dirs.push(dir)
    const first = openLocalCheckpoints({ dir })
    await Promise.all([
      first.set("fn:telemetry", "shardId-000000000000", "100000000000000000041"),
      first.set("fn:telemetry", "shardId-000000000001", "100000000000000000007"),
      first.set("../escape attempt", "shardId-000000000000", "5"),
    ])
    const second = openLocalCheckpoints({ dir })
    expect(await second.get("fn:telemetry", "shardId-000000000000")).toBe("100000000000000000041")
    expect(await second.get("fn:telemetry", "shardId-000000000001")).toBe("100000000000000000007")
    expect(await second.get("../escape attempt", "shardId-000000000000")).toBe("5")
    await second.set("fn:telemetry", "shardId-000000000000", "100000000000000000040")
    expect(await openLocalCheckpoints({ dir }).get("fn:telemetry", "shardId-000000000000")).toBe(
      "100000000000000000041",
    )
    const files = readdirSync(dir).sort()
    expect(files).toEqual(["%2E%2E%2Fescape%20attempt.json", "fn%3Atelemetry.json"])
    expect(JSON.parse(readFileSync(`${dir}/fn%3Atelemetry.json`, "utf8"))).toMatchObject({
      consumer: "fn:telemetry",
    })
  })

  it("rejects a checkpoint that is not a decimal sequence number", async () => {
    const dir = tempDir("sluice-cp-")
    dirs.push(dir)
    await expect(openLocalCheckpoints({ dir }).set("c", "s", "12a")).rejects.toMatchObject({ _tag: "Fatal" })
  })
})
