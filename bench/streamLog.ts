/**
 * Append throughput of the local stream log, group commit at work: records/s and fsyncs/s for
 * one producer awaiting each call (one fdatasync per call), many concurrent producers (calls
 * share fdatasyncs), and 500-record calls; each beside the same load with fsync off, which
 * shows what durability costs on this disk. Data: 200-byte readings, 2 shards.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { openLocalStream } from "@sluice/adapters-local"
import type { StreamEntry } from "@sluice/core"
import { type BenchRow, isMain } from "./measure.ts"

const ROUND_MS = 1_500
const payload = (i: number) =>
  new TextEncoder().encode(
    JSON.stringify({
      DEVICE_NAME: `device-${i % 50}`,
      TIMESTAMP: "2026-11-26T07:12:43",
      TEMPERATURE: 21,
      HUMIDITY: 48,
      pad: "x".repeat(110),
    }),
  )

interface Load {
  readonly name: string
  /** Concurrent producers, each awaiting its own calls. */
  readonly producers: number
  readonly recordsPerCall: number
}

const loads: ReadonlyArray<Load> = [
  { name: "1 producer, 1 record per call", producers: 1, recordsPerCall: 1 },
  { name: "64 producers, 1 record per call (group commit)", producers: 64, recordsPerCall: 1 },
  { name: "1 producer, 500 records per call", producers: 1, recordsPerCall: 500 },
]

const run = async (load: Load, fsync: boolean) => {
  const root = mkdtempSync(join(tmpdir(), "sluice-bench-log-"))
  const stream = await openLocalStream({ dir: join(root, "s"), shardCount: 2, fsync, retentionCheckMs: 0 })
  try {
    const calls = Array.from({ length: load.producers }, (_, p) =>
      Array.from(
        { length: load.recordsPerCall },
        (_, i): StreamEntry => ({ partitionKey: `device-${p}-${i % 50}`, data: payload(i) }),
      ),
    )
    const deadline = performance.now() + ROUND_MS
    const start = performance.now()
    await Promise.all(
      calls.map(async (entries) => {
        while (performance.now() < deadline) await stream.putRecords(entries)
      }),
    )
    const seconds = (performance.now() - start) / 1000
    const stats = stream.stats()
    return { recordsPerSec: stats.records / seconds, syncsPerSec: stats.syncs / seconds }
  } finally {
    await stream.close()
    rmSync(root, { recursive: true, force: true })
  }
}

export const benchStreamLog = async (): Promise<BenchRow[]> => {
  const rows: BenchRow[] = []
  for (const load of loads) {
    const durable = await run(load, true)
    const volatile = await run(load, false)
    rows.push({
      suite: "streamLog",
      name: `append, ${load.name}`,
      unit: "records/s",
      value: durable.recordsPerSec,
      anchor: "same without fsync",
      anchorValue: volatile.recordsPerSec,
      ratio: durable.recordsPerSec / volatile.recordsPerSec,
      note: `${Math.round(durable.syncsPerSec)} fsyncs/s, ${(durable.recordsPerSec / Math.max(1, durable.syncsPerSec)).toFixed(1)} records per fsync`,
    })
    rows.push({
      suite: "streamLog",
      name: `fsyncs, ${load.name}`,
      unit: "fsyncs/s",
      value: durable.syncsPerSec,
    })
  }
  return rows
}

if (isMain(import.meta.url)) console.table(await benchStreamLog())
