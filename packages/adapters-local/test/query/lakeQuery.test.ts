import { existsSync, readdirSync, writeFileSync } from "node:fs"
import path from "node:path"
import { gzipSync } from "node:zlib"
import { DeliveryStream } from "@sluice/core"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as FileObjectStore from "../../src/lake/fileObjectStore.ts"
import * as LocalDeliveryStream from "../../src/lake/localDeliveryStream.ts"
import { compactLake } from "../../src/query/compactLake.ts"
import { type Lake, LakeQueryError, openLake } from "../../src/query/lakeQuery.ts"
import { payload, removeDir, T0, tempDir } from "../lake/lakeFixtures.ts"

const HOUR = 3_600_000
const parent = tempDir("sluice-query-")
afterAll(() => removeDir(parent))
let count = 0

/** Writes readings into a fresh lake folder through the local delivery stream. */
const lakeWith = async (batches: ReadonlyArray<ReadonlyArray<Uint8Array>>): Promise<string> => {
  const root = path.join(parent, `lake-${count++}`)
  await Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      yield* Effect.scoped(
        Effect.provide(
          Effect.gen(function* () {
            const stream = yield* DeliveryStream
            for (const batch of batches) {
              yield* stream.putRecordBatch(batch)
              yield* stream.flush() // one object per batch and partition
            }
          }),
          LocalDeliveryStream.layer({ ticker: false, seed: count }).pipe(
            Layer.provide(Layer.orDie(FileObjectStore.layer({ root }))),
          ),
        ),
      )
    }).pipe(Effect.provide(TestClock.layer())),
  )
  return root
}

describe("sluice query's engine: the telemetry view", () => {
  let lake: Lake
  let root: string
  beforeAll(async () => {
    root = await lakeWith([
      [payload("a", T0), payload("b", T0 + 1000, { SEQ: 7 }), payload("a", T0 + HOUR)],
      [
        payload("a", T0 + 2000, { TEMPERATURE: 21.5, location: { room: "lab", floor: 2 }, battery: 3 }),
        payload("c", T0 + 2 * HOUR, JSON.parse('{"battery":3.25,"note":"ok","__proto__":"just data"}')),
      ],
    ])
    lake = await openLake({ lakeDir: root })
  })
  afterAll(() => lake.close())

  it("has the readings' fields, pinned types, extra fields, and the partition columns", async () => {
    const { columns, rows } = await lake.query("SELECT * FROM telemetry ORDER BY ts")
    expect(columns).toEqual(
      expect.arrayContaining([
        "DEVICE_NAME",
        "TIMESTAMP",
        "TEMPERATURE",
        "HUMIDITY",
        "SEQ",
        "deviceId",
        "ts",
      ]),
    )
    expect(columns).toEqual(
      expect.arrayContaining(["location", "battery", "note", "__proto__", "year", "month", "day", "hour"]),
    )
    expect(rows).toHaveLength(5)
    const first = rows.find((row) => row.ts === "2026-11-26T07:00:02")
    expect(first).toMatchObject({
      TEMPERATURE: 21.5,
      location: { room: "lab", floor: 2 },
      battery: 3,
      year: 2026,
      hour: 7,
    })
    const b = rows.find((row) => row.deviceId === "b")
    expect(b).toMatchObject({
      SEQ: 7,
      ts: "2026-11-26T07:00:01#0000000000000007",
      TIMESTAMP: "2026-11-26T07:00:01",
    })
    const c = rows.find((row) => row.deviceId === "c")
    expect(Object.hasOwn(c ?? {}, "__proto__")).toBe(true)
    expect(c).toMatchObject({ battery: 3.25, note: "ok", hour: 9 })
  })

  it("prunes and groups by the partition columns", async () => {
    const { rows } = await lake.query(
      "SELECT hour, count(*) AS n FROM telemetry WHERE day = 26 GROUP BY hour ORDER BY hour",
    )
    expect(rows).toEqual([
      { hour: 7, n: 3 },
      { hour: 8, n: 1 },
      { hour: 9, n: 1 },
    ])
  })

  it("says what DuckDB said about a bad query", async () => {
    await expect(lake.query("SELEC 1")).rejects.toThrow(LakeQueryError)
    await expect(lake.query("SELECT nope FROM telemetry")).rejects.toThrow(
      /Referenced column "nope" not found/,
    )
  })

  it("stops reading at a limit and says so", async () => {
    const result = await lake.query("SELECT * FROM telemetry", { limit: 2 })
    expect(result.rows).toHaveLength(2)
    expect(result.truncated).toBe(true)
  })

  it("sees objects written after it was opened", async () => {
    const extra = path.join(root, "telemetry/year=2026/month=11/day=27/hour=00")
    await Effect.runPromise(
      Effect.flatMap(Effect.orDie(FileObjectStore.make({ root })), (store) =>
        store.put(
          "telemetry/year=2026/month=11/day=27/hour=00/manual-1.gz",
          gzipSync(
            '{"DEVICE_NAME":"z","TIMESTAMP":"2026-11-27T00:00:00","TEMPERATURE":1,"HUMIDITY":2,"deviceId":"z","ts":"2026-11-27T00:00:00"}\n',
          ),
        ),
      ),
    )
    expect(existsSync(extra)).toBe(true)
    const { rows } = await lake.query("SELECT count(*) AS n FROM telemetry")
    expect(rows).toEqual([{ n: 6 }])
  })
})

describe("sluice query's engine: an empty lake", () => {
  it("has the view, with the known columns and no rows", async () => {
    const lake = await openLake({ lakeDir: path.join(parent, "nothing-here") })
    try {
      const { columns, rows } = await lake.query("SELECT * FROM telemetry")
      expect(rows).toEqual([])
      expect(columns).toEqual([
        "DEVICE_NAME",
        "TIMESTAMP",
        "TEMPERATURE",
        "HUMIDITY",
        "SEQ",
        "deviceId",
        "ts",
        "year",
        "month",
        "day",
        "hour",
      ])
    } finally {
      lake.close()
    }
  })
})

describe("sluice lake compact", () => {
  const count = async (root: string, sql = "SELECT count(*) AS n FROM telemetry") => {
    const lake = await openLake({ lakeDir: root })
    try {
      return (await lake.query(sql)).rows
    } finally {
      lake.close()
    }
  }
  const filesIn = (dir: string) => readdirSync(dir).sort()

  it("rewrites a partition as one Parquet file, removes exact duplicates, and the view reads both formats", async () => {
    const dup = [payload("a", T0), payload("a", T0 + 1000)]
    const root = await lakeWith([dup, dup, [payload("b", T0 + HOUR)]])
    expect(await count(root)).toEqual([{ n: 5 }])
    const [result] = await compactLake({ lakeDir: root, partition: "year=2026/month=11/day=26/hour=07" })
    expect(result).toMatchObject({
      partition: "telemetry/year=2026/month=11/day=26/hour=07",
      replaced: 2,
      rows: 2,
    })
    const hour7 = path.join(root, "telemetry/year=2026/month=11/day=26/hour=07")
    expect(filesIn(hour7)).toEqual([expect.stringMatching(/^compacted-.*\.parquet$/)])
    expect(
      await count(
        root,
        "SELECT hour, count(*) AS n, min(TEMPERATURE) AS t FROM telemetry GROUP BY hour ORDER BY hour",
      ),
    ).toEqual([
      { hour: 7, n: 2, t: 20 + (T0 % 7) },
      { hour: 8, n: 1, t: 20 + ((T0 + HOUR) % 7) },
    ])
    // Nothing to do the second time; new objects are folded into a new file with the old one.
    expect(
      (await compactLake({ lakeDir: root, partition: "telemetry/year=2026/month=11/day=26/hour=07" }))[0]
        ?.written,
    ).toBeUndefined()
  })

  it("never counts a reading twice or loses one, whichever step a crash interrupts", async () => {
    for (const step of ["copied", "renamed"] as const) {
      const root = await lakeWith([[payload("a", T0)], [payload("a", T0 + 1000)]])
      const crash = compactLake({
        lakeDir: root,
        onStep: (at) => {
          if (at === step) throw new Error(`crash at ${at}`)
        },
      })
      await expect(crash).rejects.toThrow(/crash/)
      expect(await count(root)).toEqual([{ n: 2 }])
      await compactLake({ lakeDir: root })
      expect(await count(root)).toEqual([{ n: 2 }])
      const hour7 = path.join(root, "telemetry/year=2026/month=11/day=26/hour=07")
      expect(filesIn(hour7).filter((f) => !f.startsWith("."))).toEqual([expect.stringMatching(/\.parquet$/)])
    }
  })

  it("folds later objects and the earlier Parquet file into a new one", async () => {
    const root = await lakeWith([[payload("a", T0)]])
    await compactLake({ lakeDir: root })
    const dir = path.join(root, "telemetry/year=2026/month=11/day=26/hour=07")
    writeFileSync(
      path.join(dir, "late.gz"),
      gzipSync(
        '{"DEVICE_NAME":"late","TIMESTAMP":"2026-11-26T07:30:00","TEMPERATURE":1,"HUMIDITY":2,"deviceId":"late","ts":"2026-11-26T07:30:00","extra":true}\n',
      ),
    )
    expect(await count(root)).toEqual([{ n: 2 }])
    const [result] = await compactLake({ lakeDir: root })
    expect(result).toMatchObject({ replaced: 2, rows: 2 })
    expect(filesIn(dir)).toHaveLength(1)
    expect(await count(root, "SELECT deviceId, extra FROM telemetry ORDER BY deviceId")).toEqual([
      { deviceId: "a", extra: null },
      { deviceId: "late", extra: true },
    ])
  })

  it("refuses a partition outside the lake", async () => {
    await expect(compactLake({ lakeDir: parent, partition: "../etc" })).rejects.toThrow(
      /not a folder of the lake/,
    )
  })
})
