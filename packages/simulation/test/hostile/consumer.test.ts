/**
 * Hostile payloads through the Kinesis consumer (`kinesisConsumer`, the real Lambda handler):
 * each corpus payload is stored or dead-lettered with its reason and field, a batch of them
 * never blocks (the response asks for no retry), and fuzzed events — hostile payloads,
 * partition keys, bad base64 — never make it throw: every entry is stored or dead-lettered.
 */
import { memoryDeadLetters, memoryTable } from "@sluice/adapters-memory"
import { decodeReading, eventIdOf, type KinesisBatchSummary, kinesisConsumer } from "@sluice/core"
import { checkAsyncProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { payloadCases } from "../../src/hostile/corpus.ts"
import { hostilePayload, hostileString } from "../../src/hostile/fuzz.ts"
import { checkPrototypeAfterEach } from "./prototype.ts"

checkPrototypeAfterEach()

const ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/telemetry"
const recordOf = (data: string, partitionKey: string, sequence: number) => ({
  kinesis: { data, partitionKey, sequenceNumber: String(1000 + sequence), approximateArrivalTimestamp: 1 },
  eventID: `shardId-000000000000:${1000 + sequence}`,
  eventSourceARN: ARN,
})

const consumer = () => {
  const table = memoryTable()
  const letters = memoryDeadLetters()
  const summaries: KinesisBatchSummary[] = []
  const handler = kinesisConsumer({ table, deadLetters: letters, onBatch: (s) => summaries.push(s) })
  return { table, letters, summaries, handler }
}

describe("hostile payloads through the Kinesis consumer", () => {
  it("stores each valid corpus payload and dead-letters each invalid one with its reason", async () => {
    const cases = payloadCases()
    const { table, letters, summaries, handler } = consumer()
    const event = {
      Records: cases.map((c, i) => recordOf(Buffer.from(c.bytes).toString("base64"), "device-1", i)),
    }
    expect(await handler(event)).toEqual({ batchItemFailures: [] })
    const stored = new Set((await table.scan()).map((item) => `${item.deviceId}/${item.ts}`))
    const byId = new Map((await letters.list()).map((letter) => [letter.source?.sequenceNumber, letter]))
    cases.forEach((c, i) => {
      const letter = byId.get(String(1000 + i))
      if (c.expect === "reading") {
        const reading = decodeReading(c.bytes)
        expect(reading._tag === "Success" && stored.has(eventIdOf(reading.success)), c.name).toBe(true)
        expect(letter, c.name).toBeUndefined()
      } else {
        expect(letter?.reason, c.name).toBeTruthy()
        if (c.field !== undefined) expect(letter?.field, c.name).toBe(c.field)
      }
    })
    expect(summaries[0]?.entries).toBe((summaries[0]?.stored ?? 0) + (summaries[0]?.deadLettered ?? 0))
  })

  it("never throws and never blocks on fuzzed events", () =>
    checkAsyncProperty(
      fc.asyncProperty(
        fc.array(
          fc.record({
            payload: hostilePayload,
            key: fc.oneof(fc.constant("device-1"), hostileString),
            rawBase64: fc.option(hostileString, { nil: undefined }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        async (records) => {
          const { summaries, handler } = consumer()
          const event = {
            Records: records.map((r, i) =>
              recordOf(r.rawBase64 ?? Buffer.from(r.payload).toString("base64"), r.key, i),
            ),
          }
          expect(await handler(event)).toEqual({ batchItemFailures: [] })
          const summary = summaries[0] as KinesisBatchSummary
          expect(summary.entries).toBe(summary.stored + summary.deadLettered)
          expect(summary.retry).toBe(0)
        },
      ),
      100,
    ))
})
