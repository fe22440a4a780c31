import { checkProperty } from "@sluice/testkit"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type FirehoseTransformationEvent,
  type FirehoseTransformSummary,
  firehoseTransform,
  LAMBDA_MAX_RESPONSE_BYTES,
  lakeLine,
  lakePartitionKeys,
  readingFromJson,
  transformEventSync,
  transformFirehoseEvent,
} from "../../src/index.ts"
import { validPayload } from "../telemetry/arbitraries.ts"

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64")
const unb64 = (data: string) => Buffer.from(data, "base64").toString("utf8")

const eventOf = (datas: ReadonlyArray<string>): FirehoseTransformationEvent => ({
  invocationId: "invocation-1",
  deliveryStreamArn: "arn:aws:firehose:eu-west-1:123456789012:deliverystream/telemetry",
  region: "eu-west-1",
  records: datas.map((data, i) => ({
    recordId: `49546986683135544286507457936321625675700192471156785154${String(i).padStart(4, "0")}`,
    approximateArrivalTimestamp: 1764140000000 + i,
    data,
  })),
})

const quiet = { log: () => {} }
const reading = (device: string, time: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ DEVICE_NAME: device, TIMESTAMP: time, TEMPERATURE: 21, HUMIDITY: 48, ...extra })

/** A record as a generator sees it: its bytes and what the transform must say. */
type Case = {
  data: string
  expect: "Ok" | "ProcessingFailed"
  payloads: ReadonlyArray<Record<string, unknown>>
}

const validCase = fc.tuple(validPayload, fc.constantFrom("", "\n", "\r\n", "\n\n")).map(
  ([payload, separator]): Case => ({
    data: b64(JSON.stringify(payload) + separator),
    expect: "Ok",
    payloads: [payload],
  }),
)

const invalidCase = fc
  .oneof(
    fc.string({ maxLength: 30 }).filter((s) => {
      try {
        JSON.parse(s)
        return false
      } catch {
        return true
      }
    }),
    fc.constant(""),
    fc.constant("\n"),
    fc.constant('{"DEVICE_NAME":"a/../b","TIMESTAMP":"2026-11-26T07:00:00","TEMPERATURE":1,"HUMIDITY":2}'),
    fc.constant('{"DEVICE_NAME":"ok","TIMESTAMP":"2026-11-26T07:00:00","TEMPERATURE":"hot","HUMIDITY":2}'),
  )
  .map((text): Case => ({ data: b64(text), expect: "ProcessingFailed", payloads: [] }))

const notUtf8 = fc.constant<Case>({
  data: Buffer.from([0xff, 0xfe, 0x7b]).toString("base64"),
  expect: "ProcessingFailed",
  payloads: [],
})

describe("firehoseTransform: the Firehose contract on generated events", () => {
  it("answers every record once, same id, same order; Ok data is the stored item as one JSON line per reading", () =>
    checkProperty(
      fc.property(
        fc.array(fc.oneof({ weight: 4, arbitrary: validCase }, invalidCase, notUtf8), { maxLength: 40 }),
        (cases) => {
          const event = eventOf(cases.map((c) => c.data))
          const { response } = transformEventSync(event, quiet)
          expect(response.records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId))
          response.records.forEach((out, i) => {
            const expected = cases[i] as Case
            expect(out.result).toBe(expected.expect)
            if (out.result !== "Ok") {
              expect(out.data).toBe(event.records[i]?.data)
              expect(out.metadata).toBeUndefined()
              return
            }
            const text = unb64(out.data)
            expect(text.endsWith("\n")).toBe(true)
            const lines = text.slice(0, -1).split("\n")
            expect(lines).toHaveLength(1)
            const item = JSON.parse(lines[0] as string)
            const payload = expected.payloads[0] as Record<string, unknown>
            expect(item.deviceId).toBe(payload.DEVICE_NAME)
            expect(item.ts.startsWith(String(payload.TIMESTAMP))).toBe(true)
            for (const [key, value] of Object.entries(payload)) {
              if (key !== "deviceId" && key !== "ts") expect(item[key]).toEqual(value)
            }
            const time = String(payload.TIMESTAMP)
            expect(out.metadata?.partitionKeys).toEqual({
              device: payload.DEVICE_NAME,
              year: time.slice(0, 4),
              month: time.slice(5, 7),
              day: time.slice(8, 10),
              hour: time.slice(11, 13),
            })
          })
          expect(JSON.stringify(response).length).toBeLessThanOrEqual(LAMBDA_MAX_RESPONSE_BYTES)
        },
      ),
    ))

  it("keeps any response under its size limit by failing the Ok records that do not fit, never reordering", () =>
    checkProperty(
      fc.property(
        fc.array(validCase, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 6000 }),
        (cases, slack) => {
          const event = eventOf(cases.map((c) => c.data))
          const allFailed = JSON.stringify({
            records: event.records.map((r) => ({
              recordId: r.recordId,
              result: "ProcessingFailed",
              data: r.data,
            })),
          }).length
          const maxResponseBytes = allFailed + slack
          const { response, verdicts } = transformEventSync(event, { ...quiet, maxResponseBytes })
          expect(JSON.stringify(response).length).toBeLessThanOrEqual(maxResponseBytes)
          expect(response.records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId))
          response.records.forEach((out, i) => {
            expect(out.result === "Ok").toBe(verdicts[i]?.result === "Ok")
            if (out.result === "ProcessingFailed") expect(out.data).toBe(event.records[i]?.data)
          })
          const unlimited = transformEventSync(event, quiet).response
          if (JSON.stringify(unlimited).length <= maxResponseBytes) expect(response).toEqual(unlimited)
        },
      ),
    ))
})

describe("the lake line", () => {
  it("is exactly JSON.stringify({...fields, deviceId, ts}) + \\n, for any reading (differential)", () =>
    checkProperty(
      fc.property(
        validPayload,
        fc.option(fc.constantFrom("deviceId", "ts"), { nil: undefined }),
        (payload, clash) => {
          const fields = clash === undefined ? payload : { ...payload, [clash]: "published" }
          const reading = readingFromJson(JSON.parse(JSON.stringify(fields)))
          if (reading._tag !== "Success") throw new Error("generated payload is invalid")
          const r = reading.success
          expect(lakeLine(r)).toBe(
            `${JSON.stringify({ ...r.fields, deviceId: r.deviceId, ts: r.sortKey })}\n`,
          )
        },
      ),
      300,
    ))

  it("takes the partition keys from the reading's UTC time", () =>
    checkProperty(
      fc.property(fc.integer({ min: 0, max: 253402300799999 }), (epochMs) => {
        const reading = readingFromJson({ DEVICE_NAME: "d", TIMESTAMP: epochMs, TEMPERATURE: 1, HUMIDITY: 2 })
        if (reading._tag !== "Success") throw new Error("invalid")
        const iso = new Date(epochMs).toISOString()
        expect(lakePartitionKeys(reading.success)).toEqual({
          device: "d",
          year: iso.slice(0, 4),
          month: iso.slice(5, 7),
          day: iso.slice(8, 10),
          hour: iso.slice(11, 13),
        })
      }),
    ))
})

describe("firehoseTransform: examples", () => {
  const handler = firehoseTransform(quiet)

  it("reads several readings of one record, one per line, and keeps them together", async () => {
    const data = b64(
      `${reading("dev-1", "2026-11-26T07:00:00")}\r\n\n${reading("dev-1", "2026-11-26T07:59:59", { SEQ: 7 })}\n`,
    )
    const { records } = await handler(eventOf([data]))
    expect(records[0]?.result).toBe("Ok")
    const lines = unb64(records[0]?.data ?? "")
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line))
    expect(lines.map((l) => l.ts)).toEqual(["2026-11-26T07:00:00", "2026-11-26T07:59:59#0000000000000007"])
  })

  it("reads a reading printed over several lines", async () => {
    const pretty = JSON.stringify(JSON.parse(reading("dev-1", "2026-11-26T07:00:00")), null, 2)
    const { records } = await handler(eventOf([b64(pretty)]))
    expect(records[0]?.result).toBe("Ok")
  })

  it("fails a record whose readings fall in different partitions, naming both", async () => {
    const data = b64(
      `${reading("dev-1", "2026-11-26T07:00:00")}\n${reading("dev-1", "2026-11-26T08:00:00")}\n`,
    )
    const { verdicts } = transformEventSync(eventOf([data]), quiet)
    expect(verdicts[0]).toMatchObject({
      result: "ProcessingFailed",
      reason: expect.stringMatching(/different partitions/),
    })
  })

  it("fails a whole record for one bad line, naming the line", () => {
    const data = b64(`${reading("dev-1", "2026-11-26T07:00:00")}\n{"DEVICE_NAME":"dev-1"}\n`)
    const { verdicts } = transformEventSync(eventOf([data]), quiet)
    expect(verdicts[0]).toMatchObject({ result: "ProcessingFailed", reason: "line 2: TIMESTAMP: is missing" })
  })

  it("drops readings the filter rejects, and keeps the rest of a record", async () => {
    const onlyDev1 = firehoseTransform({ ...quiet, filter: (r) => r.deviceId === "dev-1" })
    const mixed = b64(`${reading("dev-2", "2026-11-26T07:00:00")}`)
    const { records } = await onlyDev1(eventOf([b64(reading("dev-1", "2026-11-26T07:00:00")), mixed]))
    expect(records.map((r) => r.result)).toEqual(["Ok", "Dropped"])
    expect(records[1]?.data).toBe(mixed)
  })

  it("reads zoned and epoch times as UTC for the partition keys", () => {
    const { response } = transformEventSync(
      eventOf([
        b64(reading("d", "2026-11-26T01:30:00+02:00")),
        b64(reading("d", 1764140000000 as unknown as string)),
      ]),
      quiet,
    )
    expect(response.records[0]?.metadata?.partitionKeys).toMatchObject({ day: "25", hour: "23" })
    expect(response.records[1]?.metadata?.partitionKeys).toMatchObject({
      year: "2025",
      month: "11",
      day: "26",
      hour: "06",
    })
  })

  it("logs one summary of the failures per invocation, and nothing when all is well", async () => {
    const summaries: FirehoseTransformSummary[] = []
    const logging = firehoseTransform({ log: (s) => summaries.push(s) })
    await logging(eventOf([b64(reading("d", "2026-11-26T07:00:00"))]))
    expect(summaries).toEqual([])
    await logging(eventOf([b64("nope"), b64(reading("d", "2026-11-26T07:00:00"))]))
    expect(summaries).toHaveLength(1)
    expect(summaries[0]).toMatchObject({
      records: 2,
      ok: 1,
      processingFailed: 1,
      failures: [{ reason: expect.stringMatching(/not JSON/) }],
    })
  })

  it("answers an empty batch with no records, and throws on something that is not a Firehose event", async () => {
    expect(await handler(eventOf([]))).toEqual({ records: [] })
    await expect(handler({} as FirehoseTransformationEvent)).rejects.toThrow(/records/)
  })

  it("is the same work as an Effect, with each verdict's reason", async () => {
    const result = await Effect.runPromise(transformFirehoseEvent(eventOf([b64("[]")]), quiet))
    expect(result.verdicts[0]).toEqual({
      result: "ProcessingFailed",
      reason: "expected a JSON object, got an array",
    })
  })
})
