/**
 * Differential tests of core's KPL codec against `aws-kinesis-agg`, AWS Labs' reference
 * implementation (protobufjs underneath): its aggregate → our deaggregate, our aggregate → its
 * deaggregate, and agreement on what is not a valid aggregate, over generated user records
 * (any partition keys, with and without explicit hash keys, empty and binary data).
 *
 * Two quirks of the reference are worked around, not copied:
 * - its deaggregation gives a record without an explicit hash key the first entry of the
 *   hash-key table (protobuf's default index 0) when the table is not empty, so we compare hash
 *   keys only where the record had one;
 * - its aggregation builds the key tables as JavaScript object keys, which enumerate integer-like
 *   keys ("0", "7", …) in numeric rather than insertion order, so an aggregate whose partition
 *   or hash keys are small integers seen in descending order points records at the wrong key.
 *   Likewise a partition key `__proto__` sets the table's prototype and is lost. The tests of
 *   that direction draw no such keys; the last test pins the ordering bug down.
 */
import { createRequire } from "node:module"
import { memoryDeadLetters, memoryTable } from "@sluice/adapters-memory"
import { aggregate, deaggregate, kinesisConsumer, type UserRecord } from "@sluice/core"
import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"

interface AggInput {
  partitionKey: string
  explicitHashKey?: string
  data: Buffer
}
interface AggUserRecord {
  partitionKey: string
  explicitPartitionKey?: string
  sequenceNumber: string
  subSequenceNumber?: number
  data: string
}
interface AwsKinesisAgg {
  RecordAggregator: new () => {
    addUserRecord(record: AggInput): void
    build(): { partitionKey: string; data: Buffer }
  }
  deaggregateSync(
    record: { data: string; partitionKey: string; sequenceNumber: string },
    computeChecksums: boolean,
    done: (error: Error | null | undefined, records?: AggUserRecord[]) => void,
  ): void
}

// The package ships CommonJS with declarations that need the v2 aws-sdk; load it untyped.
const reference = createRequire(import.meta.url)("aws-kinesis-agg") as AwsKinesisAgg

const SEQUENCE = "49590338271490256608559692538361571095921575989136588898"

const userRecord: fc.Arbitrary<UserRecord> = fc
  .record({
    partitionKey: fc.string({ minLength: 1, maxLength: 24, unit: "grapheme" }),
    explicitHashKey: fc.option(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }).map(String), { nil: undefined }),
    data: fc.uint8Array({ maxLength: 400 }),
  })
  .map(({ explicitHashKey, ...rest }) =>
    explicitHashKey === undefined ? rest : { ...rest, explicitHashKey },
  )

const records = fc.array(userRecord, { minLength: 1, maxLength: 25 })

/**
 * Keys the reference's object-as-map tables mishandle: canonical array indexes (enumerated
 * before all others) and `__proto__` (assigning it sets the prototype instead of a key).
 */
const isArrayIndex = (key: string) =>
  key === "__proto__" || (/^(0|[1-9][0-9]*)$/.test(key) && Number(key) < 2 ** 32 - 1)
const referenceSafe = records.filter((input) =>
  input.every(
    (r) =>
      !isArrayIndex(r.partitionKey) && (r.explicitHashKey === undefined || !isArrayIndex(r.explicitHashKey)),
  ),
)

/** Aggregates with the reference implementation. */
const referenceAggregate = (input: ReadonlyArray<UserRecord>): Uint8Array => {
  const aggregator = new reference.RecordAggregator()
  for (const record of input) {
    aggregator.addUserRecord({
      partitionKey: record.partitionKey,
      ...(record.explicitHashKey === undefined ? {} : { explicitHashKey: record.explicitHashKey }),
      data: Buffer.from(record.data),
    })
  }
  return new Uint8Array(aggregator.build().data)
}

/** Deaggregates with the reference implementation: its records, or the error it reports. */
const referenceDeaggregate = (bytes: Uint8Array): { records?: AggUserRecord[]; error?: Error } => {
  let result: { records?: AggUserRecord[]; error?: Error } = {}
  reference.deaggregateSync(
    { data: Buffer.from(bytes).toString("base64"), partitionKey: "outer", sequenceNumber: SEQUENCE },
    true,
    (error, out) => {
      result = error ? { error } : out === undefined ? {} : { records: out }
    },
  )
  return result
}

const comparable = (record: UserRecord) => ({
  partitionKey: record.partitionKey,
  data: Buffer.from(record.data).toString("base64"),
})

describe("KPL: differential against aws-kinesis-agg", () => {
  it("deaggregates whatever the reference aggregates", () => {
    checkProperty(
      fc.property(referenceSafe, (input) => {
        const result = deaggregate(referenceAggregate(input))
        expect(result.kind).toBe("aggregated")
        if (result.kind !== "aggregated") return
        expect(result.records.map(comparable)).toEqual(input.map(comparable))
        result.records.forEach((record, i) => {
          expect(record.explicitHashKey).toBe(input[i]?.explicitHashKey)
        })
      }),
      150,
    )
  })

  it("aggregates what the reference deaggregates, sub-sequence numbers in order", () => {
    checkProperty(
      fc.property(records, (input) => {
        const { records: out, error } = referenceDeaggregate(aggregate(input))
        expect(error).toBeUndefined()
        expect(out?.map((r) => ({ partitionKey: r.partitionKey, data: r.data }))).toEqual(
          input.map(comparable),
        )
        out?.forEach((record, i) => {
          expect(record.sequenceNumber).toBe(SEQUENCE)
          expect(record.subSequenceNumber).toBe(i)
          const hashKey = input[i]?.explicitHashKey
          if (hashKey !== undefined) expect(record.explicitPartitionKey).toBe(hashKey)
        })
      }),
      150,
    )
  })

  it("encodes byte for byte as the reference does when no record has an explicit hash key", () => {
    checkProperty(
      fc.property(
        fc.array(
          userRecord.map(({ partitionKey, data }) => ({ partitionKey, data })),
          { minLength: 1, maxLength: 25 },
        ),
        (input) => {
          fc.pre(input.every((r) => !isArrayIndex(r.partitionKey)))
          expect(Buffer.from(aggregate(input)).toString("hex")).toBe(
            Buffer.from(referenceAggregate(input)).toString("hex"),
          )
        },
      ),
      100,
    )
  })

  it("rejects every corrupted aggregate the reference rejects, and passes plain records as it does", () => {
    checkProperty(
      fc.property(records, fc.nat(), fc.integer({ min: 1, max: 255 }), (input, at, flip) => {
        const bytes = referenceAggregate(input)
        const index = 4 + (at % (bytes.length - 4))
        bytes[index] = (bytes[index] as number) ^ flip
        expect(referenceDeaggregate(bytes).error).toBeDefined()
        expect(deaggregate(bytes).kind).toBe("corrupt")
      }),
      150,
    )
    checkProperty(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 200 }).filter((b) => b[0] !== 0xf3),
        (bytes) => {
          expect(deaggregate(bytes)).toEqual({ kind: "plain" })
          const { records: out } = referenceDeaggregate(bytes)
          expect(out?.map((r) => r.data)).toEqual([Buffer.from(bytes).toString("base64")])
        },
      ),
      100,
    )
  })

  it("keeps integer-like partition keys in order, where the reference's aggregation mixes them up", () => {
    const input = [
      { partitionKey: "7", data: Uint8Array.of(1) },
      { partitionKey: "3", data: Uint8Array.of(2) },
    ]
    const ours = deaggregate(aggregate(input))
    expect(ours.kind === "aggregated" && ours.records.map((r) => r.partitionKey)).toEqual(["7", "3"])
    const theirs = deaggregate(referenceAggregate(input))
    expect(theirs.kind === "aggregated" && theirs.records.map((r) => r.partitionKey)).toEqual(["3", "7"])
  })

  it("feeds the consumer: readings the reference aggregates are stored, each under its sub-sequence", async () => {
    const table = memoryTable()
    const letters = memoryDeadLetters()
    const handler = kinesisConsumer({ table, deadLetters: letters })
    const payloads = [0, 1, 2, 3].map((s) =>
      JSON.stringify({
        DEVICE_NAME: `dev-${s % 2}`,
        TIMESTAMP: `2026-11-26T07:12:0${s}`,
        TEMPERATURE: s,
        HUMIDITY: 50,
      }),
    )
    const bytes = referenceAggregate([
      ...payloads.map((p, i) => ({ partitionKey: `dev-${i % 2}`, data: new TextEncoder().encode(p) })),
      { partitionKey: "dev-0", data: new TextEncoder().encode("garbage") },
    ])
    const record = {
      kinesis: {
        data: Buffer.from(bytes).toString("base64"),
        partitionKey: "dev-0",
        sequenceNumber: SEQUENCE,
      },
      eventID: `shardId-000000000000:${SEQUENCE}`,
      eventSourceARN: "arn:aws:kinesis:us-east-1:123456789012:stream/telemetry",
    }
    expect(await handler({ Records: [record] })).toEqual({ batchItemFailures: [] })
    expect((await table.scan()).map((i) => i.TEMPERATURE)).toEqual([0, 2, 1, 3])
    expect([...letters.letters.keys()]).toEqual([`telemetry/shardId-000000000000/${SEQUENCE}/4`])
  })
})
