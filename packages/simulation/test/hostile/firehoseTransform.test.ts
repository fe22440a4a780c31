/**
 * Hostile payloads through the Firehose transformation (`firehoseTransform`, the real Lambda
 * handler): one answer per record, in order, under its recordId; a valid reading becomes a
 * JSON line of the stored item, anything else ProcessingFailed (the error output, with its
 * reason); partition keys always make a lake key inside the lake. Fuzzed events never make it
 * throw, whatever the recordIds and data.
 */
import {
  DEFAULT_LAKE_PREFIX,
  evaluatePrefix,
  type FirehoseTransformationEvent,
  type FirehoseTransformationResult,
  firehoseTransform,
  objectKeyProblem,
  parsePrefix,
  transformEventSync,
} from "@sluice/core"
import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { payloadCases } from "../../src/hostile/corpus.ts"
import { hostilePayload, hostileString } from "../../src/hostile/fuzz.ts"
import { checkPrototypeAfterEach } from "./prototype.ts"

checkPrototypeAfterEach()

const prefix = parsePrefix(DEFAULT_LAKE_PREFIX, { forErrors: false })
const eventOf = (
  records: ReadonlyArray<{ recordId: string; data: string }>,
): FirehoseTransformationEvent => ({
  invocationId: "hostile",
  deliveryStreamArn: "arn:aws:firehose:us-east-1:000000000000:deliverystream/telemetry-lake",
  region: "us-east-1",
  records: records.map((r) => ({ ...r, approximateArrivalTimestamp: 1_795_676_563_000 })),
})

/** Checks the response's shape and that every Ok record files under a valid lake key. */
const checkResponse = (event: FirehoseTransformationEvent, response: FirehoseTransformationResult) => {
  expect(response.records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId))
  for (const record of response.records) {
    if (record.result !== "Ok") continue
    const text = Buffer.from(record.data, "base64").toString("utf8")
    for (const line of text.trimEnd().split("\n")) expect(typeof JSON.parse(line).deviceId).toBe("string")
    const keys = record.metadata?.partitionKeys ?? {}
    if (prefix._tag !== "Success") throw new Error(prefix.failure)
    const key = evaluatePrefix(prefix.success, { timestampMs: 0, partitionKeys: keys })
    expect(key._tag === "Success" && objectKeyProblem(`${key.success}x.gz`)).toBe(undefined)
  }
}

describe("hostile payloads through the Firehose transformation", () => {
  it("answers each corpus record in order: Ok for readings, ProcessingFailed with a reason otherwise", async () => {
    const cases = payloadCases()
    const event = eventOf(
      cases.map((c, i) => ({
        recordId: `r${i}`,
        data: Buffer.concat([c.bytes, Buffer.from("\n")]).toString("base64"),
      })),
    )
    const failures: Array<{ recordId: string; reason: string }> = []
    const response = await firehoseTransform({ log: (summary) => failures.push(...summary.failures) })(event)
    checkResponse(event, response)
    const { verdicts } = transformEventSync(event)
    cases.forEach((c, i) => {
      const verdict = verdicts[i]
      expect(response.records[i]?.result, c.name).toBe(c.lake === "reading" ? "Ok" : "ProcessingFailed")
      if (verdict?.result === "ProcessingFailed") expect(verdict.reason.length, c.name).toBeGreaterThan(3)
    })
    expect(failures.length).toBeGreaterThan(0)
  })

  it("never throws on fuzzed events", () =>
    checkProperty(
      fc.property(
        fc.array(fc.record({ recordId: hostileString, payload: hostilePayload }), { maxLength: 6 }),
        (records) => {
          const event = eventOf(
            records.map((r) => ({ recordId: r.recordId, data: Buffer.from(r.payload).toString("base64") })),
          )
          checkResponse(event, transformEventSync(event).response)
        },
      ),
      200,
    ))
})
