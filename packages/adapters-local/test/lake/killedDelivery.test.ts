/**
 * kill -9 in the middle of lake writes: a child process delivers readings as fast as it can; we
 * SIGKILL it once it has written a few objects, reopen the folder (which sweeps temporary
 * files) and check that every object left is a whole gzip of whole JSON lines — a crash loses
 * buffers (the feeder's checkpoints cover that, lakeAtLeastOnce.test.ts), never an object's tail.
 */
import { spawn } from "node:child_process"
import { readdirSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { ObjectStore } from "@sluice/core"
import { waitFor } from "@sluice/testkit"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as FileObjectStore from "../../src/lake/fileObjectStore.ts"
import { readObjects, removeDir, tempDir } from "./lakeFixtures.ts"

const fixture = fileURLToPath(new URL("./fixtures/deliverUntilKilled.ts", import.meta.url))

const files = (dir: string): string[] => {
  try {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? files(path.join(dir, entry.name)) : [entry.name],
    )
  } catch {
    return []
  }
}

describe("the lake after kill -9", () => {
  it("holds only whole objects", async () => {
    const root = tempDir("sluice-lake-kill-")
    try {
      const child = spawn(process.execPath, ["--import", "tsx", fixture, root], {
        stdio: ["ignore", "ignore", "pipe"],
      })
      let stderr = ""
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8")
      })
      await waitFor(
        () => files(root).filter((name) => name.endsWith(".gz")).length >= 4 || child.exitCode !== null,
        {
          timeoutMs: 60_000,
          what: "the child to write four objects",
        },
      )
      expect(child.exitCode, stderr).toBeNull()
      const exited = new Promise((resolve) => child.once("exit", resolve))
      child.kill("SIGKILL")
      await exited

      const store = await Effect.runPromise(Effect.orDie(FileObjectStore.make({ root })))
      expect(files(root).filter((name) => name.startsWith("."))).toEqual([])
      const objects = await Effect.runPromise(
        Effect.provideService(readObjects("telemetry/"), ObjectStore, store),
      )
      expect(objects.length).toBeGreaterThanOrEqual(4)
      for (const object of objects) {
        for (const line of object.lines) expect(JSON.parse(line)).toHaveProperty("deviceId")
      }
    } finally {
      removeDir(root)
    }
  }, 90_000)
})
