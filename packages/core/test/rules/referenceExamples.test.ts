/**
 * The examples of the AWS IoT SQL reference pages (SQL reference, SELECT, FROM, WHERE, data
 * types, CASE, JSON extensions, literals, nested object queries, SQL versions, binary payloads),
 * each as a test: statement, payload, topic, expected output. Function examples live in
 * functions.test.ts.
 */
import { describe, expect, it } from "vitest"
import { compileRule } from "../../src/rules/index.ts"
import { evaluate, output, utf8 } from "./helpers.ts"

const colorTemp = { color: "red", temperature: 50 }

describe("AWS IoT SQL reference: overview", () => {
  it("SELECT color AS rgb … WHERE temperature > 50", () => {
    const sql = "SELECT color AS rgb FROM 'topic/subtopic' WHERE temperature > 50"
    expect(output(sql, { color: "red", temperature: 100 })).toEqual({ rgb: "red" })
    expect(evaluate(sql, { color: "red", temperature: 40 })).toEqual({ matched: false })
  })
})

describe("SELECT clause", () => {
  const cases: Array<[string, unknown, unknown]> = [
    ["SELECT * FROM 'topic/subtopic'", colorTemp, colorTemp],
    ["SELECT color FROM 'topic/subtopic'", colorTemp, { color: "red" }],
    ["SELECT color AS my_color FROM 'topic/subtopic'", colorTemp, { my_color: "red" }],
    [
      "SELECT color as my_color, temperature as fahrenheit FROM 'topic/subtopic'",
      colorTemp,
      { my_color: "red", fahrenheit: 50 },
    ],
    ["SELECT *, 15 as speed FROM 'topic/subtopic'", colorTemp, { color: "red", temperature: 50, speed: 15 }],
    ["SELECT VALUE color FROM 'topic/subtopic'", colorTemp, "red"],
    [
      "SELECT color.red as red_value FROM 'topic/subtopic'",
      { color: { red: 255, green: 0, blue: 0 }, temperature: 50 },
      { red_value: 255 },
    ],
    [
      "SELECT (temperature - 32) * 5 / 9 AS celsius, upper(color) as my_color FROM 'topic/subtopic'",
      colorTemp,
      { celsius: 10, my_color: "RED" },
    ],
  ]
  it.each(cases)("%s", (sql, payload, expected) => {
    expect(output(sql, payload)).toEqual(expected)
  })

  it("accepts the reference's typographic minus only as an error (it is not ASCII '-')", () => {
    const result = compileRule("SELECT (temperature – 32) * 5 / 9 AS celsius FROM 'topic/subtopic'")
    expect(result.ok).toBe(false)
  })
})

describe("FROM clause", () => {
  const payloads: Array<[string, number]> = [
    ["topic/subtopic", 50],
    ["topic/subtopic-2", 60],
    ["topic/subtopic-3/details", 70],
    ["topic-2/subtopic-x", 80],
  ]
  const run = (sql: string) =>
    payloads.flatMap(([topic, temperature]) => {
      const result = evaluate(sql, { temperature }, topic)
      return result.matched ? [result.output] : []
    })

  it("a plain filter subscribes to exactly one topic", () => {
    expect(run("SELECT temperature AS t FROM 'topic/subtopic'")).toEqual([{ t: 50 }])
  })
  it("'#' matches every topic below the prefix", () => {
    expect(run("SELECT temperature AS t FROM 'topic/#'")).toEqual([{ t: 50 }, { t: 60 }, { t: 70 }])
  })
  it("'+' matches exactly one level", () => {
    expect(run("SELECT temperature AS t FROM 'topic/+'")).toEqual([{ t: 50 }, { t: 60 }])
  })
})

describe("WHERE clause", () => {
  it("a WHERE that is false means no outgoing payload", () => {
    const sql = "SELECT color AS my_color FROM 'topic/subtopic' WHERE temperature > 50 AND color <> 'red'"
    expect(evaluate(sql, { color: "red", temperature: 40 })).toEqual({ matched: false })
  })
  it("cannot see SELECT aliases (they are Undefined there)", () => {
    expect(evaluate("SELECT temperature AS t FROM 'topic/subtopic' WHERE t > 1", { temperature: 5 })).toEqual(
      {
        matched: false,
      },
    )
  })
})

describe("Data types", () => {
  it("NULL is a value, created with the NULL keyword", () => {
    expect(output("SELECT NULL AS n FROM 'topic/subtopic'", {})).toEqual({ n: null })
  })
  it("a null field is Null, a missing one Undefined (and left out)", () => {
    expect(output("SELECT foo, bar FROM 'topic/subtopic'", { foo: null })).toEqual({ foo: null })
    expect(
      output("SELECT isNull(foo) AS a, isUndefined(bar) AS b FROM 'topic/subtopic'", { foo: null }),
    ).toEqual({
      a: true,
      b: true,
    })
  })
  it("abs('-5.123') is treated as abs(-5.123)", () => {
    expect(output("SELECT abs('-5.123') AS a FROM 'topic/subtopic'", {})).toEqual({ a: 5.123 })
  })
  it("with 2016-03-23, a whole number such as 10.0 is an Int", () => {
    expect(output("SELECT v / 4 AS q FROM 'topic/subtopic'", utf8('{"v": 10.0}'))).toEqual({ q: 2 })
  })
  it("with 2015-10-08, 10.0 stays a Decimal", () => {
    const result = evaluate(
      "SELECT v / 4 AS q FROM 'topic/subtopic'",
      utf8('{"v": 10.0}'),
      "topic/subtopic",
      {
        sqlVersion: "2015-10-08",
      },
    )
    expect(result).toEqual({ matched: true, output: { q: 2.5 } })
  })
})

describe("CASE statements", () => {
  const sql =
    "SELECT CASE color WHEN 'green' THEN 'go' WHEN 'yellow' THEN 'caution' WHEN 'red' THEN 'stop' ELSE 'you are not at a stop light' END as instructions FROM 'topic/subtopic'"
  it("picks the first WHEN equal to the value", () => {
    expect(output(sql, { color: "yellow" })).toEqual({ instructions: "caution" })
  })
  it("falls back to ELSE, and without ELSE to Undefined", () => {
    expect(output(sql, { color: "blue" })).toEqual({ instructions: "you are not at a stop light" })
    expect(
      output("SELECT CASE color WHEN 'green' THEN 'go' END AS i FROM 'topic/subtopic'", { color: "blue" }),
    ).toEqual({})
  })
  it("is Undefined when the value is Undefined", () => {
    expect(output(sql, {})).toEqual({})
  })
})

describe("JSON extensions", () => {
  it("'.' reaches into nested objects; AS with a dotted name nests the output", () => {
    const payload = { foo: { bar: "RED", bar1: "GREEN", bar2: "BLUE" } }
    expect(output("SELECT foo.bar AS bar.baz FROM 'topic/subtopic'", payload)).toEqual({
      bar: { baz: "RED" },
    })
  })
  it("get() reaches keys that dot notation cannot", () => {
    const payload = { mydata: { item2: { "0": { "my-key": "myValue" } } } }
    const sql = `SELECT * from 'iot/rules' WHERE get(get(get(mydata,"item2"),"0"),"my-key") = "myValue"`
    expect(evaluate(sql, payload, "iot/rules")).toEqual({ matched: true, output: payload })
  })
  it("dot notation cannot name a hyphenated or numeric key", () => {
    expect(compileRule("SELECT * from 'iot/rules' WHERE mydata.item2.0.my-key= \"myValue\"").ok).toBe(false)
  })
  it("applies a function to an attribute", () => {
    const payload = {
      deviceid: "iot123",
      temp: 54.98,
      humidity: 32.43,
      coords: { latitude: 47.615694, longitude: -122.3359976 },
    }
    expect(output("SELECT temp, md5(deviceid) AS hashed_id FROM 'topic/#'", payload, "topic/x")).toEqual({
      temp: 54.98,
      hashed_id: "e37f81fb397e595c4aeb5645b8cbbbd1",
    })
  })
})

describe("Literals", () => {
  it("object literals", () => {
    const sql =
      "SELECT {'latitude': get(lat_long, 0),'longitude':get(lat_long, 1)} as lat_long FROM 'topic/subtopic'"
    expect(output(sql, { lat_long: [47.606, -122.332] })).toEqual({
      lat_long: { latitude: 47.606, longitude: -122.332 },
    })
  })
  it("array literals", () => {
    expect(
      output("SELECT [lat,long] as lat_long FROM 'topic/subtopic'", { lat: 47.606, long: -122.332 }),
    ).toEqual({
      lat_long: [47.606, -122.332],
    })
  })
  it("are not in SQL version 2015-10-08", () => {
    const result = compileRule("SELECT [lat,long] as lat_long FROM 'topic/subtopic'", {
      sqlVersion: "2015-10-08",
    })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.message).toContain("2016-03-23")
  })
})

const senml = {
  e: [
    { n: "temperature", u: "Cel", t: 1234, v: 22.5 },
    { n: "light", u: "lm", t: 1235, v: 135 },
    { n: "acidity", u: "pH", t: 1235, v: 7 },
  ],
}

describe("Nested object queries", () => {
  it("SELECT VALUE over an array collects the values", () => {
    expect(output("SELECT (SELECT VALUE n FROM e) as sensors FROM 'my/topic'", senml, "my/topic")).toEqual({
      sensors: ["temperature", "light", "acidity"],
    })
  })
  it("WHERE filters the elements", () => {
    const sql = "SELECT (SELECT v FROM e WHERE n = 'temperature') as temperature FROM 'my/topic'"
    expect(output(sql, senml, "my/topic")).toEqual({ temperature: [{ v: 22.5 }] })
  })
  it("get() flattens the result", () => {
    const sql = "SELECT get((SELECT v FROM e WHERE n = 'temperature'), 0).v as temperature FROM 'topic'"
    expect(output(sql, senml, "topic")).toEqual({ temperature: 22.5 })
  })
  it("EXISTS tests whether a nested query returns elements (operators page)", () => {
    expect(
      evaluate(
        "select * from 'a/b' where exists (select * from arr as a where a = 3)",
        { arr: [1, 2, 3] },
        "a/b",
      ).matched,
    ).toBe(true)
    const payload = { foo: 4, bar: 5, e: [{ foo: 1 }, { foo: 2 }] }
    expect(
      evaluate("select * from 'a/b' where exists (select * from e as e where foo = 2)", payload, "a/b")
        .matched,
    ).toBe(true)
    expect(
      evaluate("select * from 'a/b' where exists (select * from e as e where foo = 9)", payload, "a/b")
        .matched,
    ).toBe(false)
  })
  it("IN checks membership in an array (operators page)", () => {
    expect(
      evaluate("select * from 'a/b' where 3 in arr", { arr: [1, 2, 3, "three", 5.7, null] }, "a/b").matched,
    ).toBe(true)
  })
})

describe("SQL versions: what 2016-03-23 added", () => {
  it("outputs an array as the top-level payload", () => {
    expect(output("SELECT VALUE arr FROM 'topic'", { a: { b: "c" }, arr: [1, 2, 3, 4] }, "topic")).toEqual([
      1, 2, 3, 4,
    ])
  })
  it("inter-object queries", () => {
    const sql = "SELECT (SELECT v FROM e WHERE n = 'temperature') as temperature FROM 'my/topic'"
    expect(output(sql, senml, "my/topic")).toEqual({ temperature: [{ v: 22.5 }] })
  })
  it("nested queries are compile errors in 2015-10-08", () => {
    expect(compileRule("SELECT (SELECT VALUE n FROM e) AS s FROM 'a'", { sqlVersion: "2015-10-08" }).ok).toBe(
      false,
    )
  })
})

describe("Binary payloads", () => {
  const binary = new Uint8Array([0xff, 0x00, 0x80, 0x7b])
  it("SELECT * passes a binary payload through", () => {
    expect(output("SELECT * FROM 'topic/subtopic'", binary)).toEqual(binary)
  })
  it("functions work on binary payloads", () => {
    expect(
      output("SELECT encode(*, 'base64') AS data, timestamp() AS ts FROM 'topic/subtopic'", binary),
    ).toEqual({ data: "/wCAew==", ts: 1481825251155 })
  })
  it("a WHERE on a JSON field never matches a binary payload", () => {
    expect(evaluate("SELECT * FROM 'topic/subtopic' WHERE device_type = 'thermostat'", binary).matched).toBe(
      false,
    )
  })
  it("'*' with other items cannot use a binary payload: the rule fails", () => {
    expect(evaluate("SELECT *, timestamp() AS timestamp FROM 'topic/subtopic'", binary).matched).toBe(false)
  })
  it("a WHERE of functions only is fine", () => {
    expect(evaluate("SELECT * FROM 'topic/subtopic' WHERE timestamp() % 12 = 0", binary).matched).toBe(
      1481825251155 % 12 === 0,
    )
  })
})
