/**
 * kill -9 in the middle of appends: a child process appends as fast as it can with four
 * concurrent producers and reports each acknowledgement; we SIGKILL it mid-stream, reopen the
 * log (taking over its stale lock) and check that every acknowledged record is there and that
 * each key holds exactly a gap-free prefix of what was sent — nothing lost, nothing invented.
 *
 * (SIGKILL leaves the page cache intact, so this tests the process-crash path — torn writes of
 * the log's own making, a stale lock — while crashRecovery.test.ts covers what a power cut
 * could leave on disk.)
 */
import { type ChildProcess, spawn } from "node:child_process"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { waitFor } from "@sluice/testkit"
import { describe, expect, it } from "vitest"
import { openLocalStream } from "../../src/stream/localStream.ts"
import { removeDir, tempDir } from "./tempDirs.ts"

const fixture = fileURLToPath(new URL("./fixtures/appendUntilKilled.ts", import.meta.url))

describe("stream log after kill -9", () => {
  it("keeps every acknowledged record and only whole records", async () => {
    const root = tempDir("sluice-kill-")
    const dir = join(root, "s")
    let child: ChildProcess | undefined
    try {
      child = spawn(process.execPath, ["--import", "tsx", fixture, dir], {
        stdio: ["ignore", "pipe", "pipe"],
      })
      const acked = new Map<string, number>()
      let stderr = ""
      let buffered = ""
      child.stdout?.on("data", (chunk: Buffer) => {
        buffered += chunk.toString("utf8")
        const lines = buffered.split("\n")
        buffered = lines.pop() ?? ""
        for (const line of lines) {
          const [, key, n] = line.split(" ")
          if (key !== undefined) acked.set(key, Number(n))
        }
      })
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8")
      })
      await waitFor(() => [...acked.values()].reduce((a, b) => a + b, 0) > 400 || child?.exitCode !== null, {
        timeoutMs: 30_000,
        what: "the child to acknowledge 400 records",
      })
      expect(child.exitCode, stderr).toBeNull()
      const exited = new Promise((resolve) => child?.once("exit", resolve))
      child.kill("SIGKILL")
      await exited
      const ackedAtKill = new Map(acked)

      const stream = await openLocalStream({ dir })
      const received = new Map<string, number[]>()
      for (const shardId of stream.shardIds) {
        let from: Parameters<typeof stream.read>[1] = { type: "TRIM_HORIZON" }
        for (;;) {
          const { records, next } = await stream.read(shardId, from, 1000)
          if (records.length === 0) break
          for (const record of records) {
            const [key, n] = new TextDecoder().decode(record.data).split("/")
            expect(record.partitionKey).toBe(key)
            received.set(key as string, [...(received.get(key as string) ?? []), Number(n)])
          }
          from = next
        }
      }
      await stream.close()
      for (const [key, lastAcked] of ackedAtKill) {
        const values = received.get(key) ?? []
        expect(values).toEqual(Array.from({ length: values.length }, (_, i) => i))
        expect(values.length).toBeGreaterThan(lastAcked)
      }
    } finally {
      child?.kill("SIGKILL")
      removeDir(root)
    }
  }, 60_000)
})
