import { describe, expect, it } from "vitest"
import { onDelta, onGetAccepted, onGetRejected, reportedWaitTime, shadowTopics } from "../src/shadow.ts"

const json = (value: unknown) => JSON.stringify(value)

describe("the classic shadow wait_time protocol", () => {
  it("uses the classic shadow topics of the thing", () => {
    expect(shadowTopics("device-1")).toEqual({
      get: "$aws/things/device-1/shadow/get",
      getAccepted: "$aws/things/device-1/shadow/get/accepted",
      getRejected: "$aws/things/device-1/shadow/get/rejected",
      update: "$aws/things/device-1/shadow/update",
      updateDelta: "$aws/things/device-1/shadow/update/delta",
    })
  })

  it("get accepted: delta first, then desired, then reported", () => {
    const all = { state: { delta: { wait_time: 1 }, desired: { wait_time: 2 }, reported: { wait_time: 3 } } }
    expect(onGetAccepted(json(all), 5)).toMatchObject({ kind: "adopt", waitTime: 1, report: true })
    const noDelta = { state: { desired: { wait_time: 2 }, reported: { wait_time: 2 } } }
    expect(onGetAccepted(json(noDelta), 5)).toMatchObject({ kind: "adopt", waitTime: 2, report: false })
    expect(onGetAccepted(json({ state: { reported: { wait_time: 3 } } }), 5)).toMatchObject({
      waitTime: 3,
      report: false,
    })
    expect(onGetAccepted(json({ state: { desired: { other: 1 } } }), 5)).toMatchObject({
      waitTime: 5,
      report: true,
    })
  })

  it("get rejected with 404 reports the default; other rejections are ignored", () => {
    expect(
      onGetRejected(json({ code: 404, message: "No shadow exists with name: 'device-1'" }), 5),
    ).toMatchObject({
      kind: "adopt",
      waitTime: 5,
      report: true,
    })
    expect(onGetRejected(json({ code: 500, message: "oops" }), 5)).toMatchObject({ kind: "ignore" })
  })

  it("a delta with wait_time is adopted and reported; null resets to the default", () => {
    expect(onDelta(json({ version: 3, state: { wait_time: 10 } }), 5)).toMatchObject({
      kind: "adopt",
      waitTime: 10,
      report: true,
    })
    expect(onDelta(json({ state: { wait_time: 0.5 } }), 5)).toMatchObject({ waitTime: 0.5 })
    expect(onDelta(json({ state: { wait_time: null } }), 7)).toMatchObject({
      kind: "adopt",
      waitTime: 7,
      report: true,
    })
    expect(onDelta(json({ state: { colour: "red" } }), 5)).toMatchObject({ kind: "ignore" })
  })

  it("refuses wait_time values no device could sleep", () => {
    for (const bad of ["10", 0, -1, 86_401, true, { s: 1 }]) {
      expect(onDelta(json({ state: { wait_time: bad } }), 5)).toMatchObject({ kind: "invalid" })
    }
    expect(onDelta("not json", 5)).toMatchObject({ kind: "ignore" })
    expect(onDelta(new TextEncoder().encode(json({ state: { wait_time: 3 } })), 5)).toMatchObject({
      waitTime: 3,
    })
  })

  it("reports exactly {state:{reported:{wait_time}}}", () => {
    expect(reportedWaitTime(10)).toBe('{"state":{"reported":{"wait_time":10}}}')
  })
})
