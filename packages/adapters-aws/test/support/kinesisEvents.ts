/**
 * Kinesis events shaped exactly as Lambda delivers them (base64 data, decimal sequence numbers,
 * `eventID` = `<shardId>:<sequenceNumber>`, the stream's ARN), built from payloads or raw bytes.
 */
import { aggregate, type KinesisStreamEvent, type KinesisStreamRecord } from "@sluice/core"

export const STREAM_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/telemetry"
const SHARD = "shardId-000000000000"

export type EventData = { readonly partitionKey: string; readonly data: Uint8Array }

export const reading = (device: string, second: number, temperature = 20) => ({
  DEVICE_NAME: device,
  TIMESTAMP: `2026-11-26T07:12:${String(second).padStart(2, "0")}`,
  TEMPERATURE: temperature,
  HUMIDITY: 50,
})

export const jsonData = (payload: unknown, partitionKey?: string): EventData => ({
  partitionKey: partitionKey ?? String((payload as { DEVICE_NAME?: unknown }).DEVICE_NAME ?? "unknown"),
  data: new TextEncoder().encode(JSON.stringify(payload)),
})

export const kplData = (payloads: ReadonlyArray<{ DEVICE_NAME: string }>): EventData => ({
  partitionKey: payloads[0]?.DEVICE_NAME ?? "kpl",
  data: aggregate(
    payloads.map((p) => ({ partitionKey: p.DEVICE_NAME, data: new TextEncoder().encode(JSON.stringify(p)) })),
  ),
})

export const kinesisEvent = (
  records: ReadonlyArray<EventData>,
  firstSequence = 49_650_000n,
): KinesisStreamEvent => ({
  Records: records.map((record, i): KinesisStreamRecord => {
    const sequenceNumber = String(firstSequence + BigInt(i) * 1_000n)
    return {
      kinesis: {
        kinesisSchemaVersion: "1.0",
        partitionKey: record.partitionKey,
        sequenceNumber,
        data: Buffer.from(record.data).toString("base64"),
        approximateArrivalTimestamp: 1_795_000_000 + i / 1000,
      },
      eventSource: "aws:kinesis",
      eventVersion: "1.0",
      eventID: `${SHARD}:${sequenceNumber}`,
      eventName: "aws:kinesis:record",
      invokeIdentityArn: "arn:aws:iam::123456789012:role/consumer",
      awsRegion: "us-east-1",
      eventSourceARN: STREAM_ARN,
    }
  }),
})

export const lambdaContext = (remainingMs = 60_000) => {
  const deadline = Date.now() + remainingMs
  return { awsRequestId: "test-request", getRemainingTimeInMillis: () => deadline - Date.now() }
}
