/**
 * The SQLite table beyond the contract: what it stores survives a reopen, a second connection
 * (another process, such as `sluice table scan`) reads while the first writes, two writers
 * interleaving writes of the latest state cannot move it backwards, a lock held too long is Throttled (to be
 * retried), and an item over DynamoDB's size limit is Poison, as it would be on AWS.
 */
import { join } from "node:path"
import type { Item } from "@sluice/core"
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { openSqlite } from "../../src/table/sqliteDatabase.ts"
import { sqliteDeadLetters } from "../../src/table/sqliteDeadLetters.ts"
import { makeService, sqliteTable } from "../../src/table/sqliteTable.ts"
import { removeDir, tempDir } from "../stream/tempDirs.ts"

const item = (deviceId: string, ts: string, extra: Record<string, unknown> = {}): Item =>
  ({ DEVICE_NAME: deviceId, TEMPERATURE: 21, HUMIDITY: 50, ...extra, deviceId, ts }) as Item

const dirs: string[] = []
const dbPath = () => {
  const dir = tempDir("sluice-sqlite-")
  dirs.push(dir)
  return join(dir, "table.sqlite")
}
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir)
})

describe("sqlite table", () => {
  it("keeps readings and latest states across close and reopen", async () => {
    const path = dbPath()
    const first = sqliteTable({ path })
    await first.batchWrite([item("a", "t1"), item("a", "t2"), item("b", "t1")])
    await first.putLatestIfNewer(item("a", "t2"))
    first.close()
    const second = sqliteTable({ path })
    expect((await second.scan()).map((i) => `${i.deviceId}/${i.ts}`)).toEqual(["a/t1", "a/t2", "b/t1"])
    expect(await second.getLatest("a")).toEqual(item("a", "t2"))
    second.close()
  })

  it("lets a second connection read while the first writes (WAL)", async () => {
    const path = dbPath()
    const writer = sqliteTable({ path })
    const reader = sqliteTable({ path })
    await writer.put(item("a", "t1"))
    expect(await reader.scan()).toEqual([item("a", "t1")])
    writer.database.exec("BEGIN IMMEDIATE")
    writer.database.prepare("INSERT INTO readings (device_id, ts, item) VALUES ('a', 't2', '{}')").run()
    expect(await reader.scan()).toEqual([item("a", "t1")]) // not blocked, sees the last commit
    writer.database.exec("COMMIT")
    expect((await reader.scan()).length).toBe(2)
    writer.close()
    reader.close()
  })

  it("never moves the latest state backwards when two connections interleave writes", async () => {
    const path = dbPath()
    const a = sqliteTable({ path })
    const b = sqliteTable({ path })
    const writes = Array.from({ length: 40 }, (_, i) => {
      const ts = `2026-11-26T07:12:${String((i * 17) % 40).padStart(2, "0")}`
      return (i % 2 === 0 ? a : b).putLatestIfNewer(item("dev", ts, { n: i }))
    })
    await Promise.all(writes)
    expect((await a.getLatest("dev"))?.ts).toBe("2026-11-26T07:12:39")
    a.close()
    b.close()
  })

  it("reports a lock held past the busy timeout as Throttled", async () => {
    const path = dbPath()
    const holder = openSqlite({ path })
    const table = makeService(openSqlite({ path, busyTimeoutMs: 20 }))
    makeService(holder)
    holder.exec("BEGIN IMMEDIATE")
    const error = await Effect.runPromise(Effect.flip(table.put(item("a", "t1"))))
    holder.exec("ROLLBACK")
    expect(error._tag).toBe("Throttled")
    holder.close()
  })

  it("sets the page cache it is given, and refuses one too small to be meant", () => {
    const path = dbPath()
    const plain = openSqlite({ path }) as unknown as { pragma(sql: string): Array<{ cache_size: number }> }
    expect(plain.pragma("cache_size")[0]?.cache_size).toBe(-16_000)
    const bounded = openSqlite({ path, cacheKiB: 4_096 }) as unknown as typeof plain
    expect(bounded.pragma("cache_size")[0]?.cache_size).toBe(-4_096)
    expect(() => openSqlite({ path, cacheKiB: 1 })).toThrow(/cacheKiB must be a whole number of KiB ≥ 64/)
    ;(plain as unknown as { close(): void }).close()
    ;(bounded as unknown as { close(): void }).close()
  })

  it("rejects an item over 400 KB as Poison, alone or in a batch", async () => {
    const table = sqliteTable({ path: dbPath() })
    const huge = item("a", "t1", { blob: "x".repeat(410 * 1024) })
    await expect(table.put(huge)).rejects.toMatchObject({ _tag: "Poison" })
    await expect(table.batchWrite([item("a", "t0"), huge])).rejects.toMatchObject({ _tag: "Poison" })
    expect(await table.scan()).toEqual([])
    table.close()
  })

  it("keeps dead letters across reopen, once per id, in first-arrival order", async () => {
    const path = dbPath()
    const first = sqliteDeadLetters({ path })
    const letter = (id: string, at: number) => ({ id, at, reason: `bad ${id}`, payload: "eA==" })
    await first.put([letter("x", 5), letter("y", 5)])
    await first.put([letter("x", 5)])
    first.close()
    const second = sqliteDeadLetters({ path })
    await second.put([letter("z", 1)])
    expect((await second.list()).map((l) => l.id)).toEqual(["z", "x", "y"])
    second.close()
  })
})
