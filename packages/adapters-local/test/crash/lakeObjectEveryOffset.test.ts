/**
 * Issue 9, crash consistency of the lake writer, at every byte offset of the last object the
 * real local delivery stream wrote:
 *
 * - a crash in the middle of writing it (its temporary file holds the first k bytes, for every
 *   k): the lake never shows a partial object — the store's listing, `get`, the query layer's
 *   file list and DuckDB see exactly the objects written before, and reopening the store
 *   removes the leftover;
 * - the object damaged at rest (cut, one byte flipped, or zeroed from k on, for every k): the
 *   object format always lets a reader tell — a strict gunzip of it gives exactly the lines
 *   written or an error, never other lines.
 *
 * (DuckDB itself is lenient with damaged gzip — see docs/decisions/0806: it can read a cut
 * object as fewer rows without an error — so the second property is checked on the format.)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import path from "node:path"
import { gunzipSync } from "node:zlib"
import { ObjectStore } from "@sluice/core"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { afterAll, describe, expect, it } from "vitest"
import * as FileObjectStore from "../../src/lake/fileObjectStore.ts"
import * as LocalDeliveryStream from "../../src/lake/localDeliveryStream.ts"
import { listLakeFiles } from "../../src/query/lakeFiles.ts"
import { openLake } from "../../src/query/lakeQuery.ts"
import { payload, removeDir, T0, tempDir } from "../lake/lakeFixtures.ts"

const root = tempDir("sluice-crash-lake-")
afterAll(() => removeDir(root))

/** Writes a few objects through the real delivery stream; returns the lake folder's files. */
const writeLake = async (lakeDir: string) => {
  const store = await Effect.runPromise(Effect.orDie(FileObjectStore.make({ root: lakeDir })))
  await Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      const delivery = yield* LocalDeliveryStream.make({
        seed: 7,
        ticker: false,
        bufferHints: { sizeBytes: 400, intervalMs: 60_000 },
      })
      for (let hour = 0; hour < 3; hour++) {
        const records = Array.from({ length: 4 }, (_, i) =>
          payload(`dev-${i % 2}`, T0 + hour * 3_600_000 + i * 1000),
        )
        yield* delivery.putRecordBatch(records)
        yield* delivery.flush()
      }
    }).pipe(Effect.provideService(ObjectStore, store), Effect.provide(TestClock.layer())),
  )
  const keys = (await Effect.runPromise(store.list(""))).map((info) => info.key)
  return keys.map((key) => ({ key, body: readFileSync(path.join(lakeDir, ...key.split("/"))) }))
}

const copyLake = (files: ReadonlyArray<{ key: string; body: Buffer }>, lakeDir: string) => {
  rmSync(lakeDir, { recursive: true, force: true })
  for (const file of files) {
    const full = path.join(lakeDir, ...file.key.split("/"))
    mkdirSync(path.dirname(full), { recursive: true })
    writeFileSync(full, file.body)
  }
}

const hiddenFiles = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? hiddenFiles(path.join(dir, entry.name))
          : entry.name.startsWith(".")
            ? [entry.name]
            : [],
      )
    : []

const rowsOf = (files: ReadonlyArray<{ body: Buffer }>) =>
  files.flatMap((file) => gunzipSync(file.body).toString("utf8").trimEnd().split("\n"))

describe("lake writer: a crash while writing the last object, at every byte", () => {
  it("never shows a partial object, and reopening removes the leftover", async () => {
    const files = await writeLake(path.join(root, "source"))
    expect(files.length).toBeGreaterThanOrEqual(2)
    const before = files.slice(0, -1)
    const last = files.at(-1) as { key: string; body: Buffer }
    const lakeDir = path.join(root, "torn-write")
    for (let k = 0; k <= last.body.length; k++) {
      copyLake(before, lakeDir)
      const target = path.join(lakeDir, ...last.key.split("/"))
      mkdirSync(path.dirname(target), { recursive: true })
      // What FileObjectStore leaves when killed after writing k bytes of the temporary file.
      writeFileSync(
        path.join(path.dirname(target), `.${path.basename(target)}.4242.0.a1b2c3.tmp`),
        last.body.subarray(0, k),
      )
      expect(listLakeFiles(lakeDir).map((f) => f.key)).toEqual(before.map((f) => f.key))
      const store = await Effect.runPromise(Effect.orDie(FileObjectStore.make({ root: lakeDir })))
      expect((await Effect.runPromise(store.list(""))).map((info) => info.key)).toEqual(
        before.map((f) => f.key),
      )
      expect(await Effect.runPromise(store.get(last.key))).toBeUndefined()
      expect(hiddenFiles(lakeDir)).toEqual([])
      if (k % 50 === 0 || k === last.body.length) {
        const lake = await openLake({ lakeDir })
        try {
          const result = await lake.query("SELECT count(*) AS n FROM telemetry")
          expect(Number(result.rows[0]?.n)).toBe(rowsOf(before).length)
        } finally {
          lake.close()
        }
      }
    }
  }, 60_000)
})

describe("lake objects: damage at rest at every byte is always detectable", () => {
  it.each(["cut", "flip", "zero"] as const)(
    "a strict reader gets the lines written or an error (%s)",
    async (damage) => {
      const files = await writeLake(path.join(root, `format-${damage}`))
      const last = files.at(-1) as { key: string; body: Buffer }
      const written = gunzipSync(last.body).toString("utf8")
      let detected = 0
      for (let k = 0; k < last.body.length; k++) {
        const body =
          damage === "cut"
            ? last.body.subarray(0, k)
            : damage === "flip"
              ? Buffer.from(last.body).fill((last.body[k] as number) ^ 0xff, k, k + 1)
              : Buffer.from(last.body).fill(0, k)
        let read: string | undefined
        try {
          read = gunzipSync(body).toString("utf8")
        } catch {
          detected++
          continue
        }
        // Undetected damage is harmless damage: a byte of the header gzip does not check (mtime, OS).
        expect({ k, read }).toEqual({ k, read: written })
      }
      expect(detected).toBeGreaterThan(last.body.length * 0.9)
    },
  )
})
