/**
 * The Kinesis event the mapping builds: AWS's shape field for field (it type-checks as
 * `@types/aws-lambda`'s KinesisStreamEvent), base64 data, arrival in seconds, the eventID, and
 * a size estimate that never undercounts the JSON actually sent. Also the reading of replies.
 */
import { checkProperty } from "@sluice/testkit"
import type { KinesisStreamEvent } from "aws-lambda"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  EVENT_ENVELOPE_BYTES,
  eventRecordBytes,
  kinesisEventOf,
  localEventSource,
  onFailureRecordOf,
  type StreamRecord,
  verdictOf,
} from "../../src/index.ts"
import { recordsOf } from "./eventSourceMappingSimulation.ts"

const source = localEventSource("telemetry", "eu-west-1")

describe("event source mapping: the event", () => {
  it("builds the event Lambda sends, field for field", () => {
    const record: StreamRecord = {
      shardId: "shardId-000000000001",
      sequenceNumber: "100000000000000000042",
      partitionKey: "device-1",
      data: new TextEncoder().encode('{"DEVICE_NAME":"device-1"}'),
      approximateArrivalTimestamp: 1_764_141_163_987,
    }
    const event: KinesisStreamEvent = kinesisEventOf([record], source)
    expect(event).toEqual({
      Records: [
        {
          kinesis: {
            kinesisSchemaVersion: "1.0",
            partitionKey: "device-1",
            sequenceNumber: "100000000000000000042",
            data: Buffer.from('{"DEVICE_NAME":"device-1"}').toString("base64"),
            approximateArrivalTimestamp: 1_764_141_163.987,
          },
          eventSource: "aws:kinesis",
          eventVersion: "1.0",
          eventID: "shardId-000000000001:100000000000000000042",
          eventName: "aws:kinesis:record",
          invokeIdentityArn: "arn:aws:iam::000000000000:role/sluice-local",
          awsRegion: "eu-west-1",
          eventSourceARN: "arn:aws:kinesis:eu-west-1:000000000000:stream/telemetry",
        },
      ],
    })
  })

  it("never undercounts the event's JSON size (property)", () =>
    checkProperty(
      fc.property(
        fc.array(
          fc.record({
            key: fc.string({ minLength: 1, maxLength: 256, unit: "binary" }),
            size: fc.integer({ min: 0, max: 5000 }),
            seq: fc.bigInt({ min: 0n, max: 10n ** 40n }),
            arrival: fc.integer({ min: 0, max: 4_000_000_000_000 }),
          }),
          { minLength: 1, maxLength: 10 },
        ),
        (specs) => {
          const records = specs.map(
            (spec): StreamRecord => ({
              shardId: "shardId-000000000000",
              sequenceNumber: String(spec.seq),
              partitionKey: spec.key,
              data: new Uint8Array(spec.size),
              approximateArrivalTimestamp: spec.arrival,
            }),
          )
          const actual = Buffer.byteLength(JSON.stringify(kinesisEventOf(records, source)))
          const estimate =
            EVENT_ENVELOPE_BYTES + records.reduce((sum, r) => sum + eventRecordBytes(r, source), 0)
          expect(estimate).toBeGreaterThanOrEqual(actual)
          expect(estimate - actual).toBeLessThanOrEqual(
            records.length * 64 + 5 * records.reduce((s, r) => s + r.partitionKey.length, 0),
          )
        },
      ),
      50,
    ))

  it("describes discarded records as AWS's on-failure record does", () => {
    const records = recordsOf(3, (i) => Date.UTC(2026, 10, 26, 7, 12, i))
    const failure = onFailureRecordOf(
      {
        records,
        condition: "RetryAttemptsExhausted",
        invokeCount: 4,
        functionError: "Unhandled",
        reason: "boom",
      },
      {
        requestId: "r-1",
        functionArn: "arn:aws:lambda:us-east-1:000000000000:function:f",
        streamArn: source.streamArn,
        now: Date.UTC(2026, 10, 26, 8),
      },
    )
    expect(failure).toEqual({
      requestContext: {
        requestId: "r-1",
        functionArn: "arn:aws:lambda:us-east-1:000000000000:function:f",
        condition: "RetryAttemptsExhausted",
        approximateInvokeCount: 4,
      },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      version: "1.0",
      timestamp: "2026-11-26T08:00:00.000Z",
      KinesisBatchInfo: {
        shardId: "shardId-000000000000",
        startSequenceNumber: records[0]?.sequenceNumber,
        endSequenceNumber: records[2]?.sequenceNumber,
        approximateArrivalOfFirstRecord: "2026-11-26T07:12:00.000Z",
        approximateArrivalOfLastRecord: "2026-11-26T07:12:02.000Z",
        batchSize: 3,
        streamArn: source.streamArn,
      },
    })
    const aged = onFailureRecordOf(
      { records, condition: "RecordAgeExceeded", invokeCount: 0, reason: "old" },
      { requestId: "r-2", functionArn: "f", streamArn: "s", now: 0 },
    )
    expect(aged.responseContext).toBeUndefined()
  })
})

describe("event source mapping: the reply", () => {
  const batch = recordsOf(4)
  const seq = (i: number) => batch[i]?.sequenceNumber as string
  const returned = (response: unknown) => verdictOf(batch, { _tag: "Returned", response })

  it("reads success, partial failure at the lowest sequence number, and whole-batch failure", () => {
    for (const response of [undefined, null, {}, { batchItemFailures: [] }, { batchItemFailures: null }])
      expect(returned(response)).toEqual({ _tag: "Succeeded" })
    expect(returned({ batchItemFailures: [{ itemIdentifier: seq(3) }, { itemIdentifier: seq(1) }] })).toEqual(
      {
        _tag: "PartiallyFailed",
        firstFailed: 1,
      },
    )
    for (const response of [
      { batchItemFailures: [{ itemIdentifier: seq(2) }, {}] },
      { batchItemFailures: [{ itemIdentifier: "" }] },
      { batchItemFailures: [{ itemIdentifier: 7 }] },
      { batchItemFailures: [{ itemIdentifier: "123" }] },
      { batchItemFailures: [null] },
      { batchItemFailures: {} },
      "done",
      [],
    ])
      expect(returned(response)._tag).toBe("Failed")
    expect(verdictOf(batch, { _tag: "Threw", error: new TypeError("x") })).toMatchObject({
      _tag: "Failed",
      functionError: "Unhandled",
      reason: "TypeError: x",
    })
    expect(verdictOf(batch, { _tag: "TimedOut", afterMs: 3000 })).toMatchObject({
      functionError: "Unhandled",
    })
    expect(verdictOf(batch, { _tag: "Returned", response: "anything" }, false)).toEqual({ _tag: "Succeeded" })
  })
})
