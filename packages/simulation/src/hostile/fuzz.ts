/**
 * Fuzzers (fast-check arbitraries) for hostile input: payloads, device names, topics, SQL and
 * rules files. They lean on the inputs that break parsers and paths — NaN and Infinity in
 * strings, `__proto__`/`constructor` keys, zero-width and control characters, lone
 * surrogates, `../` and separators, wildcards, deep nesting, sizes near and over the limits —
 * mixed with valid pieces, so most inputs get past the first check and reach the next.
 *
 * JSON with hostile keys is built as text: an object literal's `__proto__` would set a
 * prototype instead of adding a key, which is exactly the confusion under test.
 */
import fc from "fast-check"

const SPECIAL_STRINGS = [
  "NaN",
  "Infinity",
  "-Infinity",
  "1e999",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "..",
  "../..",
  "/",
  "\\",
  "%2e%2e%2f",
  "\u0000",
  "\u200b",
  "\u200d",
  "\u202e",
  "\ufeff",
  "\ud800",
  "\udfff",
  "🔥",
  "+",
  "#",
  "$aws",
  "'; DROP TABLE readings; --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT substitution template, on purpose
  "${topic(2)}",
  "year=2026",
  "",
]

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...SPECIAL_STRINGS),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc
    .tuple(
      fc.constantFrom(...SPECIAL_STRINGS),
      fc.string({ maxLength: 8 }),
      fc.constantFrom(...SPECIAL_STRINGS),
    )
    .map((parts) => parts.join("")),
)

const scalarText: fc.Arbitrary<string> = fc.oneof(
  hostileString.map((s) => JSON.stringify(s)),
  fc.double().map((n) => (Number.isFinite(n) ? JSON.stringify(n) : "1e999")),
  fc.integer().map(String),
  fc.constantFrom(
    "true",
    "false",
    "null",
    "-0",
    "1E400",
    "0.0000000000000000000001",
    "123456789012345678901234567890",
  ),
)

/** JSON text of any shape, with hostile keys, built without ever making a JavaScript object. */
export const hostileJsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalarText,
    fc.array(tie("value"), { maxLength: 4 }).map((items) => `[${items.join(",")}]`),
    fc
      .array(
        fc.tuple(
          fc.oneof(
            hostileString,
            fc.constantFrom("DEVICE_NAME", "TIMESTAMP", "TEMPERATURE", "HUMIDITY", "SEQ"),
          ),
          tie("value"),
        ),
        {
          maxLength: 5,
        },
      )
      .map((entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(",")}}`),
  ),
})).value

const FIELD_VALUES = fc.record({
  DEVICE_NAME: fc.oneof(fc.constantFrom('"device-1"', '"sensor:7_x"'), scalarText),
  TIMESTAMP: fc.oneof(
    fc.constantFrom('"2026-11-26T07:12:43"', '"2026-11-26T07:12:43.5Z"', "1795676563000"),
    scalarText,
  ),
  TEMPERATURE: fc.oneof(fc.constantFrom("21", "-3.5"), scalarText),
  HUMIDITY: fc.oneof(fc.constantFrom("48"), scalarText),
})

/** A reading with some fields replaced, removed or joined by hostile extra keys. */
const mutatedReading: fc.Arbitrary<string> = fc
  .tuple(
    FIELD_VALUES,
    fc.subarray(["DEVICE_NAME", "TIMESTAMP", "TEMPERATURE", "HUMIDITY"] as const),
    fc.array(fc.tuple(hostileString, hostileJsonText), { maxLength: 3 }),
  )
  .map(([values, dropped, extras]) => {
    const fields = Object.entries(values).filter(([key]) => !(dropped as ReadonlyArray<string>).includes(key))
    const all = [...fields.map(([k, v]) => [k, v] as const), ...extras]
    return `{${all.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(",")}}`
  })

const encoder = new TextEncoder()

/** Payload bytes as a device might send them, or an attacker. */
export const hostilePayload: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 5, arbitrary: mutatedReading.map((text) => encoder.encode(text)) },
  { weight: 3, arbitrary: hostileJsonText.map((text) => encoder.encode(text)) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 64 }).map((text) => encoder.encode(text)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom("[", '{"a":'))
      .map(([depth, open]) =>
        encoder.encode(`${open.repeat(depth)}1${(open === "[" ? "]" : "}").repeat(depth)}`),
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 120_000, max: 140_000 })
      .map((size) =>
        encoder.encode(
          `{"DEVICE_NAME":"device-1","TIMESTAMP":"2026-11-26T07:12:43","TEMPERATURE":1,"HUMIDITY":2,"PAD":"${"x".repeat(size)}"}`,
        ),
      ),
  },
)

/** Device names: valid thing names and names that try to become paths, keys or wildcards. */
export const hostileDeviceName: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[a-zA-Z0-9:_-]{1,128}$/),
  hostileString,
  fc.tuple(fc.constantFrom("device", "../", "..\\", "a/b", "+", "#"), hostileString).map(([a, b]) => a + b),
  fc.integer({ min: 129, max: 600 }).map((n) => "d".repeat(n)),
)

/** Topics: hostile levels joined by `/`, often under `data/` so the rules look at them. */
export const hostileTopic: fc.Arbitrary<string> = fc.oneof(
  hostileDeviceName.map((name) => `data/${name}`),
  fc
    .array(fc.oneof(hostileString, fc.constantFrom("data", "+", "#", "$aws", "things", "shadow", "update")), {
      minLength: 1,
      maxLength: 6,
    })
    .map((levels) => levels.join("/")),
)

const SQL_TOKENS = [
  "SELECT",
  "*",
  "FROM",
  "'data/+'",
  "'#'",
  "WHERE",
  "AS",
  "x",
  "TEMPERATURE",
  ",",
  "(",
  ")",
  "=",
  "<>",
  "+",
  "-",
  "/",
  "1",
  "'a'",
  "topic(2)",
  "get(*, 'a')",
  "CASE",
  "WHEN",
  "THEN",
  "END",
  "VALUE",
  "AND",
  "OR",
  "NOT",
  "'",
  '"',
  "[",
  "]",
  "{",
  "}",
  ".",
  "${",
  "}",
]

/** SQL statements: token soup from the IoT SQL vocabulary, and arbitrary text. */
export const hostileSql: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.constantFrom(...SQL_TOKENS), { maxLength: 25 }).map((tokens) => tokens.join(" ")),
  fc
    .array(fc.constantFrom(...SQL_TOKENS), { maxLength: 25 })
    .map((tokens) => `SELECT ${tokens.join(" ")} FROM 'data/+'`),
  hostileString,
)

/** Rules files: valid skeletons with hostile names, SQL and actions — and arbitrary JSON. */
export const hostileRulesText: fc.Arbitrary<string> = fc.oneof(
  hostileJsonText,
  fc
    .record({
      name: fc.oneof(fc.constantFrom("r", "telemetry_to_stream"), hostileString),
      sql: hostileSql,
      version: fc.oneof(fc.constantFrom('"2016-03-23"', '"2015-10-08"'), scalarText),
      action: fc.oneof(
        fc
          .record({ stream: hostileString, key: hostileString })
          .map(
            ({ stream, key }) =>
              `{"kinesis":{"streamName":${JSON.stringify(stream)},"partitionKey":${JSON.stringify(key)}}}`,
          ),
        hostileJsonText,
      ),
    })
    .map(
      ({ name, sql, version, action }) =>
        `{"rules":{${JSON.stringify(name)}:{"sql":${JSON.stringify(sql)},"awsIotSqlVersion":${version},"actions":[${action}]}}}`,
    ),
)
