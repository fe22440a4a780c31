// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are IoT substitution templates
/**
 * Routing a message through a rule set: which rules match, what each action receives, Basic
 * Ingest, disabled rules, and the error action message in IoT Core's shape.
 */
import { describe, expect, it } from "vitest"
import { errorActionMessage, handsOnRules, loadRules, type RuleSet } from "../../src/rules/index.ts"
import { jsonBytes, testContext } from "./helpers.ts"

const ruleSet = (input: unknown): RuleSet => {
  const loaded = loadRules(input)
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues))
  return loaded.value
}

const reading = { DEVICE_NAME: "dev1", TIMESTAMP: "2026-11-26T10:00:00", TEMPERATURE: 21, HUMIDITY: 49 }

describe("routing the hands-on rules", () => {
  const rules = ruleSet(handsOnRules)

  it("a reading on data/<device> reaches the stream, the lake and the search index", () => {
    const matches = rules.route({ topic: "data/dev1", payload: jsonBytes(reading) }, testContext())
    expect(matches.map((m) => m.ruleName)).toEqual([
      "telemetry_to_stream",
      "telemetry_to_lake",
      "telemetry_to_search",
    ])
    const [stream, lake, search] = matches.map((m) => m.invocations[0])
    expect(stream).toMatchObject({
      type: "kinesis",
      params: { streamName: "telemetry", partitionKey: "dev1" },
      payload: reading,
      failedAction: "KinesisAction",
      failedResource: "telemetry",
    })
    expect(lake).toMatchObject({
      type: "firehose",
      params: { deliveryStreamName: "telemetry-lake", separator: "\n" },
    })
    expect(search).toMatchObject({
      type: "openSearch",
      params: { index: "telemetry-2026-11-26", id: "dev1/2026-11-26T10:00:00", type: "_doc" },
      payload: { timestamp: "2026-11-26T10:00:00", HUMIDITY: 49, TEMPERATURE: 21, DEVICE_NAME: "dev1" },
    })
  })

  it("templates see the payload, not the SELECT aliases", () => {
    const rules = ruleSet({
      rules: {
        r: {
          sql: "SELECT TIMESTAMP AS timestamp FROM 'data/+'",
          awsIotSqlVersion: "2016-03-23",
          actions: [{ s3: { bucketName: "b", key: "${timestamp}|${TIMESTAMP}" } }],
        },
      },
    })
    const [match] = rules.route({ topic: "data/dev1", payload: jsonBytes({ TIMESTAMP: "T" }) }, testContext())
    expect(match?.invocations[0]?.params.key).toBe("|T")
  })

  it("other topics reach no rule", () => {
    expect(rules.route({ topic: "other/dev1", payload: jsonBytes(reading) }, testContext())).toEqual([])
    expect(rules.route({ topic: "data/dev1/extra", payload: jsonBytes(reading) }, testContext())).toEqual([])
  })

  it("accepts already-parsed JSON", () => {
    const matches = rules.route({ topic: "data/dev1", json: reading }, testContext())
    expect(matches).toHaveLength(3)
    expect(matches[2]?.invocations[0]?.params.id).toBe("dev1/2026-11-26T10:00:00")
  })

  it("a binary payload passes through SELECT * and makes empty templates", () => {
    const bytes = new Uint8Array([1, 2, 255])
    const matches = rules.route({ topic: "data/dev1", payload: bytes }, testContext())
    expect(matches.map((m) => m.ruleName)).toEqual([
      "telemetry_to_stream",
      "telemetry_to_lake",
      "telemetry_to_search",
    ])
    expect(matches[0]?.output).toBe(bytes)
    expect(matches[2]?.output).toEqual({})
    expect(matches[2]?.invocations[0]?.params.id).toBe("/")
  })
})

const twoRules = {
  rules: {
    hot: {
      sql: "SELECT * FROM 'data/+' WHERE TEMPERATURE > 30",
      awsIotSqlVersion: "2016-03-23",
      actions: [{ lambda: { functionArn: "arn:aws:lambda:us-east-1:1:function:alarm" } }],
      errorAction: { s3: { bucketName: "errors", key: "${replace(topic(), '/', '-')}-${newuuid()}" } },
    },
    off: { sql: "SELECT * FROM '#'", awsIotSqlVersion: "2016-03-23", ruleDisabled: true, actions: [] },
  },
}

describe("rule selection", () => {
  const rules = ruleSet(twoRules)
  it("WHERE decides; disabled rules never match", () => {
    expect(
      rules.route({ topic: "data/d", json: { TEMPERATURE: 31 } }, testContext()).map((m) => m.ruleName),
    ).toEqual(["hot"])
    expect(rules.route({ topic: "data/d", json: { TEMPERATURE: 20 } }, testContext())).toEqual([])
  })
  it("Basic Ingest ($aws/rules/<name>/…) goes to that rule alone, which sees the inner topic", () => {
    const matches = rules.route(
      { topic: "$aws/rules/hot/Buildings/Building5", json: { TEMPERATURE: 40 } },
      testContext(),
    )
    expect(matches.map((m) => m.ruleName)).toEqual(["hot"])
    expect(rules.route({ topic: "$aws/rules/off/x", json: {} }, testContext())).toEqual([])
    expect(rules.route({ topic: "$aws/rules/nope/x", json: {} }, testContext())).toEqual([])
  })
})

describe("error action", () => {
  const rules = ruleSet(twoRules)
  const message = { topic: "data/d1", payload: jsonBytes({ TEMPERATURE: 35 }) }

  it("one message per rule and message, with every failure, in IoT Core's shape", () => {
    const context = testContext({ traceId: "7e146a2c-95b5-6caf-98b9-50e3969734c7" })
    const [match] = rules.route(message, context)
    if (!match) throw new Error("no match")
    const invocation = match.invocations[0]
    if (!invocation) throw new Error("no invocation")
    const error = rules.errorActionFor(
      match,
      [{ invocation, errorMessage: "Function not found" }],
      message,
      context,
    )
    expect(error).toMatchObject({
      type: "s3",
      actionIndex: -1,
      params: { bucketName: "errors", key: "data-d1-00000000-0000-4000-8000-000000000001" },
      payload: {
        ruleName: "hot",
        topic: "data/d1",
        cloudwatchTraceId: "7e146a2c-95b5-6caf-98b9-50e3969734c7",
        clientId: "iotconsole-1511213971966-0",
        base64OriginalPayload: Buffer.from('{"TEMPERATURE":35}').toString("base64"),
        failures: [
          {
            failedAction: "LambdaAction",
            failedResource: "arn:aws:lambda:us-east-1:1:function:alarm",
            errorMessage: "Function not found",
          },
        ],
      },
    })
  })

  it("no failures or no error action: nothing to send", () => {
    const [match] = rules.route(message, testContext())
    if (!match) throw new Error("no match")
    expect(rules.errorActionFor(match, [], message, testContext())).toBeUndefined()
  })

  it("errorActionMessage matches the reference's example", () => {
    expect(
      errorActionMessage({
        ruleName: "TestAction",
        topic: "testme/action",
        clientId: "iotconsole-1511213971966-0",
        traceId: "7e146a2c-95b5-6caf-98b9-50e3969734c7",
        payload: new TextEncoder().encode('{\n  "message": "Hello vrom AWS IoT console"\n}'),
        failures: [
          { failedAction: "S3Action", failedResource: "us-east-1-s3-verify-user", errorMessage: "Failed" },
        ],
      }),
    ).toEqual({
      ruleName: "TestAction",
      topic: "testme/action",
      cloudwatchTraceId: "7e146a2c-95b5-6caf-98b9-50e3969734c7",
      clientId: "iotconsole-1511213971966-0",
      base64OriginalPayload: "ewogICJtZXNzYWdlIjogIkhlbGxvIHZyb20gQVdTIElvVCBjb25zb2xlIgp9",
      failures: [
        { failedAction: "S3Action", failedResource: "us-east-1-s3-verify-user", errorMessage: "Failed" },
      ],
    })
  })
})
