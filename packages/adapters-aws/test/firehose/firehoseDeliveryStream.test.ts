/**
 * The Firehose DeliveryStream on aws-sdk-client-mock: no Firehose server runs here, so these
 * tests answer PutRecordBatch with the documented response shapes (FailedPutCount,
 * RequestResponses with RecordId or ErrorCode/ErrorMessage, service exceptions) and check what
 * the adapter sends back.
 */
import {
  FirehoseClient,
  PutRecordBatchCommand,
  type PutRecordBatchCommandOutput,
  ResourceNotFoundException,
  ServiceUnavailableException,
} from "@aws-sdk/client-firehose"
import type { RetryPolicy } from "@sluice/core"
import { mockClient } from "aws-sdk-client-mock"
import { Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import * as FirehoseDeliveryStream from "../../src/firehose/firehoseDeliveryStream.ts"

const quick: RetryPolicy = { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 5, maxElapsedMs: 10_000 }
const record = (i: number, size = 16) => {
  const bytes = new Uint8Array(size).fill(0x61)
  bytes.set(new TextEncoder().encode(String(i).padStart(6, "0")))
  return bytes
}
const label = (data: Uint8Array | undefined) => new TextDecoder().decode(data?.subarray(0, 6))
const ok = (count: number, from = 0): PutRecordBatchCommandOutput => ({
  $metadata: {},
  FailedPutCount: 0,
  Encrypted: false,
  RequestResponses: Array.from({ length: count }, (_, i) => ({ RecordId: `rid-${from + i}` })),
})

const setup = (policy: RetryPolicy = quick) => {
  const client = new FirehoseClient({ region: "eu-west-1" })
  const mock = mockClient(client)
  const stream = FirehoseDeliveryStream.make({
    client,
    deliveryStreamName: "telemetry-to-lake",
    retryPolicy: policy,
  })
  const sent = () =>
    mock
      .commandCalls(PutRecordBatchCommand)
      .map((call) => (call.args[0].input.Records ?? []).map((r) => label(r.Data)))
  return { mock, stream, sent }
}

describe("Firehose DeliveryStream (aws-sdk-client-mock, documented PutRecordBatch responses)", () => {
  it("sends records in one call and answers each with its RecordId, in order", async () => {
    const { mock, stream, sent } = setup()
    mock.on(PutRecordBatchCommand).resolves(ok(3))
    const results = await Effect.runPromise(stream.putRecordBatch([record(0), record(1), record(2)]))
    expect(results).toEqual([
      { _tag: "Accepted", recordId: "rid-0" },
      { _tag: "Accepted", recordId: "rid-1" },
      { _tag: "Accepted", recordId: "rid-2" },
    ])
    expect(sent()).toEqual([["000000", "000001", "000002"]])
    expect(mock.commandCalls(PutRecordBatchCommand)[0]?.args[0].input.DeliveryStreamName).toBe(
      "telemetry-to-lake",
    )
  })

  it("re-sends only the records that failed (FailedPutCount > 0), until they are accepted", async () => {
    const { mock, stream, sent } = setup()
    mock
      .on(PutRecordBatchCommand)
      .resolvesOnce({
        $metadata: {},
        FailedPutCount: 2,
        RequestResponses: [
          { RecordId: "rid-a" },
          { ErrorCode: "ServiceUnavailableException", ErrorMessage: "Slow down." },
          { RecordId: "rid-c" },
          { ErrorCode: "InternalFailure", ErrorMessage: "Internal service failure." },
        ],
      })
      .resolvesOnce({
        $metadata: {},
        FailedPutCount: 1,
        RequestResponses: [{ RecordId: "rid-b" }, { ErrorCode: "InternalFailure" }],
      })
      .resolvesOnce({ $metadata: {}, FailedPutCount: 0, RequestResponses: [{ RecordId: "rid-d" }] })
    const results = await Effect.runPromise(stream.putRecordBatch([0, 1, 2, 3].map((i) => record(i))))
    expect(results.map((r) => (r._tag === "Accepted" ? r.recordId : r._tag))).toEqual([
      "rid-a",
      "rid-b",
      "rid-c",
      "rid-d",
    ])
    expect(sent()).toEqual([["000000", "000001", "000002", "000003"], ["000001", "000003"], ["000003"]])
  })

  it("splits calls at 500 records and at 4 MiB, and refuses a record over 1,000 KiB as Poison without sending it", async () => {
    const { mock, stream, sent } = setup()
    mock
      .on(PutRecordBatchCommand)
      .callsFake((input: { Records: unknown[] }) => Promise.resolve(ok(input.Records.length)))
    const many = Array.from({ length: 1001 }, (_, i) => record(i))
    const results = await Effect.runPromise(stream.putRecordBatch(many))
    expect(results.every((r) => r._tag === "Accepted")).toBe(true)
    expect(sent().map((call) => call.length)).toEqual([500, 500, 1])

    mock.resetHistory()
    const big = Array.from({ length: 6 }, (_, i) => record(i, 900 * 1024))
    const tooBig = record(99, 1000 * 1024 + 1)
    const mixed = await Effect.runPromise(
      stream.putRecordBatch([...big.slice(0, 3), tooBig, ...big.slice(3)]),
    )
    expect(mixed.map((r) => (r._tag === "Failed" ? r.error._tag : r._tag))).toEqual([
      "Accepted",
      "Accepted",
      "Accepted",
      "Poison",
      "Accepted",
      "Accepted",
      "Accepted",
    ])
    expect(sent()).toEqual([
      ["000000", "000001", "000002", "000003"],
      ["000004", "000005"],
    ])
  })

  it("retries a throttled call (ServiceUnavailableException) and reports the records' final outcome when it gives up", async () => {
    const { mock, stream, sent } = setup({ ...quick, maxAttempts: 3 })
    mock
      .on(PutRecordBatchCommand)
      .rejects(new ServiceUnavailableException({ $metadata: {}, message: "Slow down." }))
    const results = await Effect.runPromise(stream.putRecordBatch([record(0), record(1)]))
    expect(results.map((r) => (r._tag === "Failed" ? r.error._tag : r._tag))).toEqual([
      "Throttled",
      "Throttled",
    ])
    expect(sent()).toHaveLength(3)
  })

  it("fails at once, without retrying, when the stream does not exist (Fatal)", async () => {
    const { mock, stream, sent } = setup()
    mock
      .on(PutRecordBatchCommand)
      .rejects(new ResourceNotFoundException({ $metadata: {}, message: "Stream not found" }))
    const exit = await Effect.runPromiseExit(stream.putRecordBatch([record(0)]))
    expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain("Fatal")
    expect(sent()).toHaveLength(1)
  })

  it("does not trust a response whose entries do not match the request", async () => {
    const { mock, stream } = setup({ ...quick, maxAttempts: 1 })
    mock
      .on(PutRecordBatchCommand)
      .resolves({ $metadata: {}, FailedPutCount: 0, RequestResponses: [{ RecordId: "only-one" }] })
    const results = await Effect.runPromise(stream.putRecordBatch([record(0), record(1)]))
    expect(results.map((r) => r._tag)).toEqual(["Failed", "Failed"])
  })

  it("waits its backoff on Effect's Clock, so virtual time drives it", async () => {
    const { mock, stream, sent } = setup({
      baseDelayMs: 60_000,
      maxDelayMs: 60_000,
      maxAttempts: 2,
      maxElapsedMs: 3_600_000,
    })
    mock
      .on(PutRecordBatchCommand)
      .resolvesOnce({
        $metadata: {},
        FailedPutCount: 1,
        RequestResponses: [{ ErrorCode: "InternalFailure" }],
      })
      .resolvesOnce(ok(1))
    const results = await Effect.runPromise(
      Effect.gen(function* () {
        const fiber = yield* Effect.forkChild(stream.putRecordBatch([record(0)]))
        yield* TestClock.adjust("1 hour")
        return yield* Fiber.join(fiber)
      }).pipe(Effect.provide(TestClock.layer())),
    )
    expect(results[0]?._tag).toBe("Accepted")
    expect(sent()).toHaveLength(2)
  })

  it("has nothing to flush: Firehose delivers on its own hints", async () => {
    const { stream } = setup()
    await Effect.runPromise(stream.flush())
    expect(stream.limits).toMatchObject({
      maxCount: 500,
      maxBytes: 4 * 1024 * 1024,
      maxRecordBytes: 1000 * 1024,
    })
  })
})
