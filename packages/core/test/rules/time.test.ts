/**
 * parse_time (Joda-Time patterns) and time_to_epoch (java.time patterns) beyond the
 * reference's examples: the letters, zones, and invalid input.
 */
import { describe, expect, it } from "vitest"
import { formatTime } from "../../src/rules/time/formatTime.ts"
import { parseTime } from "../../src/rules/time/parseTime.ts"

// 2016-12-15T18:07:31.155Z, a Thursday.
const T = 1481825251155

describe("formatTime (parse_time)", () => {
  const cases: Array<[string, string, string]> = [
    ["yyyy-MM-dd", "UTC", "2016-12-15"],
    ["yyyy-MM-dd'T'HH:mm:ss.SSSZZ", "UTC", "2016-12-15T18:07:31.155+00:00"],
    ["yy/M/d H:m:s", "UTC", "16/12/15 18:7:31"],
    ["EEE, d MMM yyyy hh:mm a", "UTC", "Thu, 15 Dec 2016 06:07 PM"],
    ["EEEE MMMM", "UTC", "Thursday December"],
    ["D w e", "UTC", "350 50 4"],
    ["HH:mm Z", "America/Los_Angeles", "10:07 -0800"],
    ["HH:mm ZZ ZZZ", "Asia/Kolkata", "23:37 +05:30 Asia/Kolkata"],
    ["HH:mm z", "UTC", "18:07 UTC"],
    ["HH:mm", "+01:00", "19:07"],
    ["HH:mm", "GMT-8", "10:07"],
    ["S SS SSSS", "UTC", "1 15 1550"],
    ["k K", "UTC", "18 6"],
    ["G C Y", "UTC", "AD 20 2016"],
    ["'quoted ''text'''", "UTC", "quoted 'text'"],
  ]
  it.each(cases)("%s in %s → %s", (pattern, zone, expected) => {
    expect(formatTime(pattern, T, zone)).toBe(expected)
  })
  it("follows daylight saving time", () => {
    expect(formatTime("HH:mm z", Date.UTC(2016, 6, 1, 12), "America/Los_Angeles")).toBe("05:00 PDT")
  })
  it("invalid patterns and zones are undefined", () => {
    expect(formatTime("yyyy-q", T, "UTC")).toBeUndefined()
    expect(formatTime("'open", T, "UTC")).toBeUndefined()
    expect(formatTime("yyyy", T, "Mars/Olympus")).toBeUndefined()
    expect(formatTime("yyyy", 1e20, "UTC")).toBeUndefined()
  })
})

describe("parseTime (time_to_epoch)", () => {
  const cases: Array<[string, string, number]> = [
    ["2016-12-15T18:07:31.155Z", "yyyy-MM-dd'T'HH:mm:ss.SSSX", T],
    ["2016-12-15 10:07:31.155 -0800", "yyyy-MM-dd HH:mm:ss.SSS Z", T],
    ["2016-12-15 23:37:31.155 +05:30", "yyyy-MM-dd HH:mm:ss.SSS xxx", T],
    ["15/12/16 06:07:31.155 PM", "dd/MM/yy hh:mm:ss.SSS a", T],
    ["Thu, 15 Dec 2016 18:07:31.155", "EEE, d MMM yyyy HH:mm:ss.SSS", T],
    ["20161215180731", "yyyyMMddHHmmss", T - 155],
    ["2016-12-15 10:07:31.155 PST", "yyyy-MM-dd HH:mm:ss.SSS z", T],
    ["2016", "yyyy", Date.UTC(2016, 0, 1)],
  ]
  it.each(cases)("%s with %s", (text, pattern, expected) => {
    expect(parseTime(text, pattern)).toBe(expected)
  })
  it("reads years below 100 literally", () => {
    const date = new Date(parseTime("0005-03-01", "yyyy-MM-dd") as number)
    expect(date.toISOString()).toBe("0005-03-01T00:00:00.000Z")
  })
  it("rejects text that does not fit the pattern, impossible dates and unknown letters", () => {
    expect(parseTime("2016-12-15", "yyyy/MM/dd")).toBeUndefined()
    expect(parseTime("2016-02-30", "yyyy-MM-dd")).toBeUndefined()
    expect(parseTime("2016-13-01", "yyyy-MM-dd")).toBeUndefined()
    expect(parseTime("12:00", "HH:mm")).toBeUndefined()
    expect(parseTime("2016 Q1", "yyyy qq")).toBeUndefined()
    expect(parseTime("2016 Mars/Olympus", "yyyy VV")).toBeUndefined()
  })
})
