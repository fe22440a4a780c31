/**
 * The Kinesis consumer's throughput on one 10,000-record Kinesis event of hands-on readings
 * (100 devices, partition key = device), against what Lambda developers use today:
 *
 * - Powertools for AWS Lambda's `BatchProcessor` (EventType.KinesisDataStreams) through
 *   `processPartialResponse`, with a zod schema doing the same decode-validate-write into a Map;
 * - a bare loop: base64 → JSON.parse → typeof checks → Map.set, no validation beyond types,
 *   no KPL, no dedupe, no latest state, no failure handling — the floor.
 *
 * Ours runs the real handler (`kinesisConsumer`) against the memory table with DynamoDB's
 * batch limits (25 items per batchWrite), so batching, dedupe, the latest-state pass and the
 * partial-response bookkeeping are all paid for. Each case starts from an empty store per
 * event. Targets: ≥ 2× Powertools, ≥ 0.85× the bare loop; the history of the numbers is in
 * docs/decisions/0307-consumer-benchmark.md.
 *
 *   npx tsx bench/consumer.ts          # prints the table
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch"
import { memoryDeadLetters, memoryTable } from "@sluice/adapters-memory"
import { DEVICE_NAME_PATTERN, type KinesisStreamEvent, kinesisConsumer } from "@sluice/core"
import type {
  KinesisStreamEvent as AwsEvent,
  KinesisStreamRecord as AwsKinesisStreamRecord,
} from "aws-lambda"
import { z } from "zod"
import { type BenchRow, isMain, measure } from "./measure.ts"

export const RECORDS = 10_000
const ROUNDS = 8
const DEVICES = 100

export interface ConsumerBenchRow extends BenchRow {
  readonly opsPerSec: number
  readonly anchorOpsPerSec: number
}

/** The event every case processes: hands-on payloads, one shard, realistic sequence numbers. */
export const benchEvent = (): KinesisStreamEvent => {
  const base = 49590338271490256608559692538361571095921575989136588898n
  const start = Date.UTC(2026, 10, 26, 7, 0, 0)
  return {
    Records: Array.from({ length: RECORDS }, (_, i) => {
      const device = `device-${String(i % DEVICES).padStart(3, "0")}`
      const payload = {
        DEVICE_NAME: device,
        TIMESTAMP: new Date(start + Math.floor(i / DEVICES) * 1000).toISOString().slice(0, 19),
        TEMPERATURE: 15 + (i % 11),
        HUMIDITY: 40 + (i % 21),
      }
      const sequenceNumber = (base + BigInt(i) * 4096n).toString()
      return {
        kinesis: {
          kinesisSchemaVersion: "1.0",
          partitionKey: device,
          sequenceNumber,
          data: Buffer.from(JSON.stringify(payload)).toString("base64"),
          approximateArrivalTimestamp: 1764140400 + i / 1000,
        },
        eventSource: "aws:kinesis",
        eventVersion: "1.0",
        eventID: `shardId-000000000000:${sequenceNumber}`,
        eventName: "aws:kinesis:record",
        invokeIdentityArn: "arn:aws:iam::123456789012:role/sluice-consumer",
        awsRegion: "us-east-1",
        eventSourceARN: "arn:aws:kinesis:us-east-1:123456789012:stream/telemetry",
      }
    }),
  }
}

/** The floor: decode, parse, check types, store. */
export const bareLoop = (event: KinesisStreamEvent): Map<string, unknown> => {
  const store = new Map<string, unknown>()
  for (const record of event.Records) {
    const payload = JSON.parse(Buffer.from(record.kinesis.data, "base64").toString("utf8"))
    if (
      typeof payload === "object" &&
      payload !== null &&
      typeof payload.DEVICE_NAME === "string" &&
      typeof payload.TIMESTAMP === "string" &&
      typeof payload.TEMPERATURE === "number" &&
      typeof payload.HUMIDITY === "number"
    ) {
      store.set(`${payload.DEVICE_NAME}/${payload.TIMESTAMP}`, payload)
    }
  }
  return store
}

/** The reading as a zod schema: the checks our codec makes, short of calendar validation. */
const Reading = z.looseObject({
  DEVICE_NAME: z.string().regex(DEVICE_NAME_PATTERN),
  TIMESTAMP: z.union([
    z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/),
    z.number().int().nonnegative(),
  ]),
  TEMPERATURE: z.number(),
  HUMIDITY: z.number(),
  SEQ: z.number().int().nonnegative().optional(),
})

export const powertools = async (event: KinesisStreamEvent) => {
  const store = new Map<string, unknown>()
  const processor = new BatchProcessor(EventType.KinesisDataStreams)
  const handler = async (record: AwsKinesisStreamRecord) => {
    const reading = Reading.parse(JSON.parse(Buffer.from(record.kinesis.data, "base64").toString("utf8")))
    store.set(`${reading.DEVICE_NAME}/${reading.TIMESTAMP}`, reading)
  }
  return processPartialResponse(event as AwsEvent, handler, processor)
}

export const ours = async (event: KinesisStreamEvent) => {
  const handler = kinesisConsumer({ table: memoryTable(), deadLetters: memoryDeadLetters() })
  return handler(event)
}

export async function benchConsumer(): Promise<ConsumerBenchRow[]> {
  const event = benchEvent()
  // Same answer from all three before timing anything.
  const checkTable = memoryTable()
  const check = await kinesisConsumer({ table: checkTable, deadLetters: memoryDeadLetters() })(event)
  if (check.batchItemFailures.length !== 0) throw new Error("consumer reported failures on the bench event")
  // Every reading stored and every device's latest state kept: the handler timed does the whole job.
  if (checkTable.state.readings.size !== RECORDS || checkTable.state.latest.size !== DEVICES)
    throw new Error(
      `consumer stored ${checkTable.state.readings.size} readings and ${checkTable.state.latest.size} latest states`,
    )
  if (bareLoop(event).size !== RECORDS) throw new Error("bare loop lost records")
  if ((await powertools(event)).batchItemFailures.length !== 0)
    throw new Error("Powertools reported failures")

  // Rounds alternate between the cases, so a burst of load on a shared machine hits all three
  // alike; each case keeps its best round.
  const cases = [() => bareLoop(event), () => powertools(event), () => ours(event)]
  const best = [0, 0, 0]
  for (let round = 0; round < ROUNDS; round++) {
    for (let c = 0; c < cases.length; c++) {
      const { opsPerSec } = await measure(RECORDS, cases[c] as () => unknown, { rounds: 1, minRoundMs: 250 })
      best[c] = Math.max(best[c] as number, opsPerSec)
    }
  }
  const [bare, anchor, sluice] = best.map((opsPerSec) => ({ opsPerSec })) as [
    { opsPerSec: number },
    { opsPerSec: number },
    { opsPerSec: number },
  ]
  const row = (anchorName: string, anchorOps: number, target: string): ConsumerBenchRow => ({
    suite: "consumer",
    name: "kinesisConsumer, memory table (ordered)",
    unit: "records/s",
    value: sluice.opsPerSec,
    opsPerSec: sluice.opsPerSec,
    anchor: anchorName,
    anchorValue: anchorOps,
    anchorOpsPerSec: anchorOps,
    ratio: sluice.opsPerSec / anchorOps,
    target,
    note: "how it got here: docs/decisions/0307-consumer-benchmark.md",
  })
  return [
    row("Powertools BatchProcessor + zod", anchor.opsPerSec, "≥ 2×"),
    row("bare decode loop", bare.opsPerSec, "≥ 0.85×"),
  ]
}

if (isMain(import.meta.url)) {
  const rows = await benchConsumer()
  console.table(
    rows.map((r) => ({
      case: r.name,
      "records/s": Math.round(r.opsPerSec).toLocaleString("en-US"),
      anchor: r.anchor,
      "anchor records/s": Math.round(r.anchorOpsPerSec).toLocaleString("en-US"),
      ratio: `${r.ratio?.toFixed(2)}×`,
      target: r.target,
    })),
  )
}
