/**
 * Daily index names, document ids and bulk sizes: the pieces every SearchIndex adapter relies on.
 */

import { checkProperty } from "@sluice/testkit"
import { Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  bulkBody,
  bulkItemBytes,
  dailyIndexName,
  invalidDocumentIdReason,
  invalidIndexNameReason,
  makeEvent,
  readingFromJson,
  searchDocumentFromRecord,
  searchDocumentOf,
} from "../../src/index.ts"

describe("daily index names", () => {
  it("names the reading's UTC day, and is a valid index name", () => {
    expect(dailyIndexName(Date.UTC(2026, 10, 26, 23, 59, 59))).toBe("telemetry-2026-11-26")
    expect(dailyIndexName(Date.UTC(2026, 10, 27), "lab")).toBe("lab-2026-11-27")
    expect(invalidIndexNameReason("telemetry-2026-11-26")).toBeUndefined()
  })

  it("rejects names OpenSearch refuses", () => {
    for (const bad of ["", "Upper", "a b", "a*b", "a,b", "a#b", "_x", "-x", "+x", "a/b", "x".repeat(256)])
      expect(invalidIndexNameReason(bad), bad).toBeDefined()
  })
})

describe("search documents of readings", () => {
  const reading = (payload: object) => Result.getOrThrow(readingFromJson(payload))

  it("use the event id, the daily index and the hands-on search shape", () => {
    const event = makeEvent(
      reading({ DEVICE_NAME: "dev-1", TIMESTAMP: "2026-11-26T07:12:43", TEMPERATURE: 21, HUMIDITY: 48 }),
    )
    expect(searchDocumentOf(event)).toEqual({
      index: "telemetry-2026-11-26",
      id: event.id,
      source: {
        DEVICE_NAME: "dev-1",
        TIMESTAMP: "2026-11-26T07:12:43",
        TEMPERATURE: 21,
        HUMIDITY: 48,
        timestamp: "2026-11-26T07:12:43",
      },
    })
  })

  it("limit ids to 512 bytes of UTF-8", () => {
    expect(invalidDocumentIdReason("x".repeat(512))).toBeUndefined()
    expect(invalidDocumentIdReason("é".repeat(256))).toBeUndefined()
    expect(invalidDocumentIdReason("é".repeat(257))).toMatch(/514 bytes/)
    expect(invalidDocumentIdReason("")).toBeDefined()
  })

  it("measure exactly the bytes they add to a _bulk body", () =>
    checkProperty(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean())),
        (id, source) => {
          const document = { index: "telemetry-2026-11-26", id, source }
          expect(bulkItemBytes(document)).toBe(Buffer.byteLength(bulkBody([document])))
        },
      ),
    ))
})

describe("search documents from a hand-off stream's records", () => {
  const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

  it("reads back every document as it was appended (property)", () =>
    checkProperty(
      fc.property(
        fc.record({
          index: fc.string(),
          id: fc.string(),
          source: fc.dictionary(fc.string(), fc.jsonValue()),
        }),
        (document) => {
          const wire = JSON.parse(JSON.stringify(document))
          expect(searchDocumentFromRecord(bytes(document))).toEqual(wire)
        },
      ),
    ))

  it("skips anything that is not one: not JSON, no string index or id, a source that is no object", () => {
    for (const data of [
      new TextEncoder().encode("{not json"),
      bytes({ id: "a", source: {} }),
      bytes({ index: "i", id: 7, source: {} }),
      bytes({ index: "i", id: "a", source: [1] }),
      bytes({ index: "i", id: "a", source: null }),
      bytes("a string"),
    ])
      expect(searchDocumentFromRecord(data)).toBeUndefined()
  })
})
