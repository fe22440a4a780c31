/**
 * The data lake's speed, in two parts.
 *
 * 1. Delivery: readings per second through the local delivery stream — the built-in transform
 *    (decode, validate, normalise, partition keys), per-partition size/interval buffers, GZIP,
 *    and atomic, fsynced object writes into a folder — fed by PutRecordBatch calls of 500
 *    hands-on payloads. Beside it, the floor: `zlib.gzipSync` of the same payload bytes in 5 MiB
 *    pieces (what compressing the data costs with no pipeline at all), and the transform alone.
 * 2. Queries: DuckDB over one million readings written by the same stream — a count, a
 *    per-device aggregate, a partition-pruned aggregate — on the gzip JSON lines, then again
 *    after `compactLake` rewrote them as Parquet.
 *
 *   npx tsx bench/lake.ts            # prints the table
 *   npx tsx bench/lake.ts 200000     # fewer readings for the query part
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gzipSync } from "node:zlib"
import { compactLake, FileObjectStore, LocalDeliveryStream, openLake } from "@sluice/adapters-local"
import { DeliveryStream, transformRecord } from "@sluice/core"
import { Effect, Layer } from "effect"
import { type BenchRow, isMain, measure } from "./measure.ts"

const DEVICES = 100
const BATCH = 500
const START = Date.UTC(2026, 10, 26, 0, 0, 0)
const HINTS = { sizeBytes: 5 * 1024 * 1024, intervalMs: 60_000 }

/** Hands-on payloads as the IoT rule hands them to Firehose (with its "\n" separator), one per second per device. */
const payloads = (count: number, offset = 0): Uint8Array[] =>
  Array.from({ length: count }, (_, n) => {
    const i = n + offset
    const text = `${JSON.stringify({
      DEVICE_NAME: `device-${String(i % DEVICES).padStart(3, "0")}`,
      TIMESTAMP: new Date(START + Math.floor(i / DEVICES) * 1000).toISOString().slice(0, 19),
      TEMPERATURE: 15 + (i % 11),
      HUMIDITY: 40 + (i % 21),
    })}\n`
    return new TextEncoder().encode(text)
  })

/** Delivers readings into a lake folder; resolves when every object is written. */
const deliver = (root: string, records: ReadonlyArray<Uint8Array>) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.provide(
        Effect.gen(function* () {
          const stream = yield* DeliveryStream
          for (let i = 0; i < records.length; i += BATCH)
            yield* stream.putRecordBatch(records.slice(i, i + BATCH))
          yield* stream.flush()
        }),
        LocalDeliveryStream.layer({ ticker: false, bufferHints: HINTS }).pipe(
          Layer.provide(Layer.orDie(FileObjectStore.layer({ root }))),
        ),
      ),
    ),
  )

const timeMs = async (body: () => Promise<unknown>, rounds = 3): Promise<number> => {
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint()
    await body()
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6)
  }
  return best
}

export const benchLake = async (options: { readonly queryReadings?: number } = {}): Promise<BenchRow[]> => {
  const rows: BenchRow[] = []
  const dir = mkdtempSync(join(tmpdir(), "sluice-bench-lake-"))
  try {
    // 1. Delivery throughput.
    const count = 100_000
    const records = payloads(count)
    const raw = Buffer.concat(records)
    let run = 0
    const delivery = await measure(count, () => deliver(join(dir, `throughput-${run++}`), records), {
      rounds: 3,
      minRoundMs: 1,
      warmupCalls: 1,
    })
    const floor = await measure(
      count,
      () => {
        for (let i = 0; i < raw.length; i += HINTS.sizeBytes) gzipSync(raw.subarray(i, i + HINTS.sizeBytes))
      },
      { rounds: 3, minRoundMs: 1, warmupCalls: 1 },
    )
    const transformOnly = await measure(
      count,
      () => {
        for (const record of records) transformRecord(record)
      },
      { rounds: 3, minRoundMs: 1, warmupCalls: 1 },
    )
    rows.push({
      suite: "lake",
      name: `local delivery stream: transform + buffer + gzip + fsynced files (${count.toLocaleString("en-US")} readings)`,
      unit: "readings/s",
      value: delivery.opsPerSec,
      anchor: "zlib.gzipSync of the same bytes",
      anchorValue: floor.opsPerSec,
      ratio: delivery.opsPerSec / floor.opsPerSec,
    })
    rows.push({
      suite: "lake",
      name: "firehose transform alone (transformRecord)",
      unit: "readings/s",
      value: transformOnly.opsPerSec,
      note: `${(raw.length / count).toFixed(0)} bytes per payload`,
    })

    // 2. DuckDB over a million readings.
    const total = options.queryReadings ?? 1_000_000
    const lakeDir = join(dir, "query-lake")
    const written = process.hrtime.bigint()
    for (let offset = 0; offset < total; offset += 100_000) {
      await deliver(lakeDir, payloads(Math.min(100_000, total - offset), offset))
    }
    const writeSeconds = Number(process.hrtime.bigint() - written) / 1e9
    const queries: ReadonlyArray<readonly [string, string]> = [
      ["count(*)", "SELECT count(*) FROM telemetry"],
      [
        "avg temperature per device",
        "SELECT deviceId, avg(TEMPERATURE), max(HUMIDITY) FROM telemetry GROUP BY deviceId",
      ],
      [
        "one hour (partition pruning)",
        "SELECT deviceId, avg(TEMPERATURE) FROM telemetry WHERE day = 26 AND hour = 1 GROUP BY deviceId",
      ],
    ]
    const timeQueries = async () => {
      const lake = await openLake({ lakeDir })
      try {
        const times: number[] = []
        for (const [, sql] of queries) times.push(await timeMs(() => lake.query(sql)))
        return times
      } finally {
        lake.close()
      }
    }
    const json = await timeQueries()
    const compactStart = process.hrtime.bigint()
    await compactLake({ lakeDir })
    const compactMs = Number(process.hrtime.bigint() - compactStart) / 1e6
    const parquet = await timeQueries()
    const n = `${(total / 1e6).toFixed(total % 1e6 === 0 ? 0 : 1)}M`
    queries.forEach(([name], i) => {
      rows.push({
        suite: "lake",
        name: `DuckDB ${name} over ${n} readings, gzip JSON lines`,
        unit: "ms",
        value: json[i] as number,
      })
      rows.push({
        suite: "lake",
        name: `DuckDB ${name} over ${n} readings, after lake compact (Parquet)`,
        unit: "ms",
        value: parquet[i] as number,
        anchor: "same query on gzip JSON lines",
        anchorValue: json[i] as number,
        ratio: (json[i] as number) / (parquet[i] as number),
      })
    })
    rows.push({ suite: "lake", name: `lake compact of ${n} readings`, unit: "ms", value: compactMs })
    rows.push({
      suite: "lake",
      name: `delivering the ${n} readings for the queries`,
      unit: "s",
      value: writeSeconds,
    })
    return rows
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (isMain(import.meta.url)) {
  const arg = Number(process.argv[2])
  const rows = await benchLake(Number.isFinite(arg) && arg > 0 ? { queryReadings: arg } : {})
  console.table(
    rows.map((row) => ({
      case: row.name,
      value: `${row.value.toFixed(1)} ${row.unit}`,
      ratio: row.ratio?.toFixed(2) ?? "",
    })),
  )
}
