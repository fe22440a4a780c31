/**
 * Batch planning throughput: records per second through core's planner (DynamoDB and Kinesis
 * profiles) and through the ordered-put planner with KPL aggregation, against the floor of a
 * plain loop summing the same sizes.
 */
import {
  dynamoBatchWriteItem,
  kinesisPutRecords,
  type PendingRecord,
  planBatches,
  planOrderedCall,
} from "@sluice/core"
import { type BenchRow, isMain, measure } from "./measure.ts"

export const benchBatching = async (): Promise<BenchRow[]> => {
  const sizes = Array.from({ length: 10_000 }, (_, i) => 90 + (i % 50))
  let sink = 0
  const floor = await measure(sizes.length, () => {
    let total = 0
    for (const size of sizes) total += size
    sink += total
  })
  const dynamo = await measure(sizes.length, () => planBatches(sizes, (s) => s, dynamoBatchWriteItem))
  const kinesis = await measure(sizes.length, () => planBatches(sizes, (s) => s, kinesisPutRecords))
  const queues = new Map<string, PendingRecord[]>()
  sizes.forEach((size, i) => {
    const key = `device-${i % 100}`
    queues.set(key, [...(queues.get(key) ?? []), { partitionKey: key, data: new Uint8Array(size) }])
  })
  const ordered = await measure(sizes.length, () => planOrderedCall(queues, kinesisPutRecords))
  if (sink < 0) console.log(sink)
  const row = (name: string, value: number): BenchRow => ({
    suite: "batching",
    name,
    unit: "records/s",
    value,
    anchor: "plain loop over sizes",
    anchorValue: floor.opsPerSec,
    ratio: value / floor.opsPerSec,
  })
  return [
    row("planBatches (DynamoDB 25/16 MB/400 KB)", dynamo.opsPerSec),
    row("planBatches (Kinesis 500/5 MiB/1 MiB)", kinesis.opsPerSec),
    row("planOrderedCall (100 keys, KPL aggregation)", ordered.opsPerSec),
  ]
}

if (isMain(import.meta.url)) console.table(await benchBatching())
