import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  deltaOf,
  handleShadowRequest,
  parseShadowTopic,
  type ShadowDocument,
} from "../../src/shadow/index.ts"

const T = 1_764_140_000
const run = (doc: ShadowDocument | undefined, op: "get" | "update" | "delete", payload: unknown) =>
  handleShadowRequest("device-1", op, payload === undefined ? "" : JSON.stringify(payload), doc, T)
const topics = (outcome: { messages: ReadonlyArray<{ topic: string }> }) =>
  outcome.messages.map((m) => m.topic.split("/shadow/")[1])

describe("classic shadow: the hands-on wait_time protocol", () => {
  it("rejects get of a shadow that does not exist with 404", () => {
    const outcome = run(undefined, "get", undefined)
    expect(outcome.messages).toEqual([
      {
        topic: "$aws/things/device-1/shadow/get/rejected",
        payload: { code: 404, message: "No shadow exists with name: 'device-1'", timestamp: T },
      },
    ])
  })

  it("creates on the device's first report, sends a delta when desired changes, and none once reported", () => {
    const first = run(undefined, "update", { state: { reported: { wait_time: 5 } } })
    expect(topics(first)).toEqual(["update/accepted", "update/documents"])
    expect(first.document?.version).toBe(1)

    const desired = run(first.document, "update", { state: { desired: { wait_time: 2 } } })
    expect(topics(desired)).toEqual(["update/accepted", "update/documents", "update/delta"])
    expect(desired.messages[2]?.payload).toEqual({
      version: 2,
      timestamp: T,
      state: { wait_time: 2 },
      metadata: { wait_time: { timestamp: T } },
    })

    const reported = run(desired.document, "update", { state: { reported: { wait_time: 2 } } })
    expect(topics(reported)).toEqual(["update/accepted", "update/documents"])
    const got = run(reported.document, "get", undefined)
    expect(got.messages[0]?.payload).toMatchObject({
      state: { desired: { wait_time: 2 }, reported: { wait_time: 2 } },
      version: 3,
    })
    expect((got.messages[0]!.payload.state as Record<string, unknown>).delta).toBeUndefined()
  })

  it("deletes a desired key set to null, and reports the remaining delta on get", () => {
    let doc = run(undefined, "update", {
      state: { desired: { wait_time: 9, led: "on" }, reported: { wait_time: 5 } },
    }).document
    expect(run(doc, "get", undefined).messages[0]?.payload.state).toEqual({
      desired: { wait_time: 9, led: "on" },
      reported: { wait_time: 5 },
      delta: { wait_time: 9, led: "on" },
    })
    doc = run(doc, "update", { state: { desired: { wait_time: null } } }).document
    expect(doc?.state.desired).toEqual({ led: "on" })
    expect(doc?.metadata.desired).toEqual({ led: { timestamp: T } })
  })

  it("rejects bad requests with AWS's codes", () => {
    const doc = run(undefined, "update", { state: { reported: { wait_time: 5 } } }).document
    expect(handleShadowRequest("device-1", "update", "{not json", doc, T).messages[0]?.payload).toMatchObject(
      { code: 400 },
    )
    expect(run(doc, "update", { nope: 1 }).messages[0]?.payload).toMatchObject({
      code: 400,
      message: "Missing required node: state",
    })
    expect(
      run(doc, "update", { state: { desired: { a: 1 } }, version: 7, clientToken: "t1" }).messages[0],
    ).toEqual({
      topic: "$aws/things/device-1/shadow/update/rejected",
      payload: { code: 409, message: "Version conflict", timestamp: T, clientToken: "t1" },
    })
    expect(run(doc, "update", { state: { desired: { a: 1 } }, version: 1 }).document?.version).toBe(2)
  })

  it("deletes a shadow and continues its version when re-created", () => {
    const doc = run(undefined, "update", { state: { reported: { wait_time: 5 } } }).document
    const deleted = run(doc, "delete", undefined)
    expect(deleted.document).toBeUndefined()
    expect(deleted.messages[0]).toEqual({
      topic: "$aws/things/device-1/shadow/delete/accepted",
      payload: { version: 1, timestamp: T },
    })
    const again = handleShadowRequest("device-1", "update", '{"state":{"reported":{"x":1}}}', undefined, T, 1)
    expect(again.document?.version).toBe(2)
  })

  it("recognises only classic shadow request topics of valid thing names", () => {
    expect(parseShadowTopic("$aws/things/device-1/shadow/update")).toEqual({
      thing: "device-1",
      operation: "update",
    })
    expect(parseShadowTopic("$aws/things/device-1/shadow/update/accepted")).toBeUndefined()
    expect(parseShadowTopic("$aws/things/../shadow/get")).toBeUndefined()
    expect(parseShadowTopic("data/device-1")).toBeUndefined()
  })
})

describe("classic shadow: properties", () => {
  const section = fc.dictionary(
    fc.constantFrom("a", "b", "c"),
    fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 3 })),
    { maxKeys: 3 },
  )
  const update = fc.record({
    desired: fc.option(section, { nil: undefined }),
    reported: fc.option(section, { nil: undefined }),
  })

  it("grows the version by one per accepted update, and get's delta is desired minus reported", () => {
    checkProperty(
      fc.property(fc.array(update, { maxLength: 15 }), (updates) => {
        let doc: ShadowDocument | undefined
        let version = 0
        for (const state of updates) {
          const outcome = run(doc, "update", { state })
          expect(outcome.messages[0]?.topic.endsWith("update/accepted")).toBe(true)
          doc = outcome.document
          version++
          expect(doc?.version).toBe(version)
          for (const value of Object.values(doc?.state.desired ?? {})) expect(value).not.toBeNull()
        }
        if (doc) {
          const state = run(doc, "get", undefined).messages[0]?.payload.state as Record<string, unknown>
          expect(state.delta).toEqual(deltaOf(doc.state.desired, doc.state.reported))
        }
      }),
      300,
    )
  })
})
