/**
 * KPL deaggregation: core's `deaggregate` against `aws-kinesis-agg` (AWS Labs' reference
 * implementation, protobufjs underneath), on the same aggregated Kinesis records.
 *
 * Both sides start where a Lambda consumer starts — the record's `data` as the base64 string of
 * the Kinesis event — verify the MD5 checksum, and end with the user records in their native
 * form: ours as byte views ready for JSON.parse, the reference's as base64 strings (its own
 * output; decoding those again is left out, which favours the anchor). The records hold 100
 * hands-on readings each from 100 devices (so a 100-entry partition-key table), about 10 KB per
 * aggregate, as the KPL builds them for a busy fleet. Target: ≥ 1×.
 *
 *   npx tsx bench/kpl.ts                        # prints the table
 *   SLUICE_BENCH_KPL_AGGREGATES=50 npx tsx bench/kpl.ts   # fewer aggregates for a quick run
 */
import { createRequire } from "node:module"
import { aggregate, deaggregate, type UserRecord } from "@sluice/core"
import { envNumber } from "./benchEnv.ts"
import { type BenchRow, isMain } from "./measure.ts"

interface ReferenceUserRecord {
  readonly partitionKey: string
  readonly data: string
}
interface AwsKinesisAgg {
  deaggregateSync(
    record: { data: string; partitionKey: string; sequenceNumber: string },
    computeChecksums: boolean,
    done: (error: Error | null | undefined, records?: ReferenceUserRecord[]) => void,
  ): void
}

// CommonJS whose declarations need the v2 aws-sdk: load it untyped, as the differential test does.
const reference = createRequire(import.meta.url)("aws-kinesis-agg") as AwsKinesisAgg

const AGGREGATES = envNumber("SLUICE_BENCH_KPL_AGGREGATES", 200)
const PER_AGGREGATE = 100
const DEVICES = 100
const SEQUENCE = "49590338271490256608559692538361571095921575989136588898"
const START = Date.UTC(2026, 10, 26, 7, 0, 0)

/** The Kinesis records (event shape: base64 data) each carrying one aggregate. */
const kinesisRecords = (): Array<{ data: string; partitionKey: string; sequenceNumber: string }> =>
  Array.from({ length: AGGREGATES }, (_, a) => {
    const users: UserRecord[] = Array.from({ length: PER_AGGREGATE }, (_, r) => {
      const i = a * PER_AGGREGATE + r
      const device = `device-${String(i % DEVICES).padStart(3, "0")}`
      const reading = {
        DEVICE_NAME: device,
        TIMESTAMP: new Date(START + Math.floor(i / DEVICES) * 1000).toISOString().slice(0, 19),
        TEMPERATURE: 15 + (i % 11),
        HUMIDITY: 40 + (i % 21),
      }
      return { partitionKey: device, data: new TextEncoder().encode(JSON.stringify(reading)) }
    })
    return {
      data: Buffer.from(aggregate(users)).toString("base64"),
      partitionKey: `aggregate-${a}`,
      sequenceNumber: SEQUENCE,
    }
  })

const ours = (records: ReturnType<typeof kinesisRecords>): number => {
  let count = 0
  for (const record of records) {
    const result = deaggregate(Buffer.from(record.data, "base64"))
    if (result.kind !== "aggregated") throw new Error(`ours: ${result.kind}`)
    count += result.records.length
  }
  return count
}

const theirs = (records: ReturnType<typeof kinesisRecords>): number => {
  let count = 0
  for (const record of records) {
    reference.deaggregateSync(record, true, (error, users) => {
      if (error) throw error
      count += users?.length ?? 0
    })
  }
  return count
}

/** CPU time per call of `body` over `ms`, as operations per second (robust to being descheduled). */
const cpuRound = (ops: number, body: () => unknown, ms: number): number => {
  const start = process.cpuUsage()
  let calls = 0
  let spent = 0
  while (spent < ms * 1000) {
    body()
    calls++
    const used = process.cpuUsage(start)
    spent = used.user + used.system
  }
  return (calls * ops) / (spent / 1e6)
}

export const benchKpl = async (): Promise<BenchRow[]> => {
  const records = kinesisRecords()
  const users = AGGREGATES * PER_AGGREGATE
  // Same records out of both before timing: counts, keys and bytes of the first aggregate.
  if (ours(records) !== users || theirs(records) !== users) throw new Error("deaggregation counts differ")
  const mine = deaggregate(Buffer.from(records[0]?.data ?? "", "base64"))
  reference.deaggregateSync(records[0] as (typeof records)[0], true, (_error, out) => {
    if (mine.kind !== "aggregated" || out === undefined) throw new Error("first aggregate did not decode")
    mine.records.forEach((record, i) => {
      const other = out[i]
      if (
        other?.partitionKey !== record.partitionKey ||
        other.data !== Buffer.from(record.data).toString("base64")
      )
        throw new Error(`user record ${i} differs from the reference's`)
    })
  })
  // Alternating rounds, best of each: a burst of load on the shared machine hits both alike.
  let oursBest = 0
  let theirsBest = 0
  for (let round = 0; round < 7; round++) {
    theirsBest = Math.max(
      theirsBest,
      cpuRound(users, () => theirs(records), 200),
    )
    oursBest = Math.max(
      oursBest,
      cpuRound(users, () => ours(records), 200),
    )
  }
  return [
    {
      suite: "kpl",
      name: `deaggregate (${PER_AGGREGATE} readings per aggregate, MD5 checked)`,
      unit: "user records/s",
      value: oursBest,
      anchor: "aws-kinesis-agg deaggregateSync",
      anchorValue: theirsBest,
      ratio: oursBest / theirsBest,
      target: "≥ 1×",
      note: `${AGGREGATES} aggregates of ~${Math.round((records[0]?.data.length ?? 0) * 0.75)} bytes, from base64; CPU time`,
    },
  ]
}

if (isMain(import.meta.url)) console.table(await benchKpl())
