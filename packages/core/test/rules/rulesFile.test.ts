// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are IoT substitution templates
/**
 * Rules as data: the rules-file schema and its error messages, and the hands-on rules — the
 * committed `rules/hands-on.rules.json` must equal `handsOnRules` and load cleanly.
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import {
  decodeRulesFile,
  handsOnRules,
  loadRules,
  loadRulesText,
  type RulesIssue,
} from "../../src/rules/index.ts"

const repoFile = (path: string) => fileURLToPath(new URL(`../../../../${path}`, import.meta.url))

const issuesOf = (input: unknown): ReadonlyArray<RulesIssue> => {
  const loaded = loadRules(input)
  if (loaded.ok) throw new Error("expected issues")
  return loaded.issues
}

const rule = (overrides: Record<string, unknown> = {}) => ({
  sql: "SELECT * FROM 'data/+'",
  awsIotSqlVersion: "2016-03-23",
  actions: [{ kinesis: { streamName: "s", partitionKey: "${topic(2)}" } }],
  ...overrides,
})

describe("the hands-on rules", () => {
  it("rules/hands-on.rules.json equals handsOnRules", () => {
    expect(JSON.parse(readFileSync(repoFile("rules/hands-on.rules.json"), "utf8"))).toEqual(handsOnRules)
  })
  it("load and compile", () => {
    const loaded = loadRulesText(readFileSync(repoFile("rules/hands-on.rules.json"), "utf8"))
    expect(loaded.ok).toBe(true)
    if (loaded.ok) expect(loaded.value.rules.map((r) => r.name)).toEqual(Object.keys(handsOnRules.rules))
  })
})

describe("rules file validation", () => {
  it("accepts a valid file, with the CloudFormation action shapes", () => {
    const file = {
      rules: {
        A: rule({
          description: "d",
          ruleDisabled: false,
          actions: [
            { kinesis: { streamName: "s", partitionKey: "p", roleArn: "arn:aws:iam::1:role/r" } },
            { firehose: { deliveryStreamName: "f", separator: "\r\n", batchMode: true } },
            { openSearch: { endpoint: "https://x", index: "i", id: "${newuuid()}", type: "_doc" } },
            { lambda: { functionArn: "arn:aws:lambda:us-east-1:1:function:f" } },
            { republish: { topic: "$$aws/things/t/shadow/update", qos: 1 } },
            { s3: { bucketName: "b", key: "${topic()}/${timestamp()}" } },
            { sqs: { queueUrl: "https://q", useBase64: false } },
            { sns: { targetArn: "arn:t", messageFormat: "RAW" } },
            { http: { url: "https://h", headers: [{ key: "k", value: "${clientid()}" }] } },
            { timestream: { databaseName: "d", tableName: "t", dimensions: [{ name: "n", value: "v" }] } },
          ],
          errorAction: { republish: { topic: "errors" } },
        }),
      },
    }
    expect(decodeRulesFile(file).ok).toBe(true)
    expect(loadRules(file).ok).toBe(true)
  })

  it("names the rule and field of every schema problem", () => {
    expect(
      issuesOf({
        rules: {
          A: { sql: 1, actions: [{ kinesys: {} }, { kinesis: {} }] },
          B: rule({ actions: [{ firehose: { deliveryStreamName: "f", separator: ";" } }] }),
          C: rule({ awsIotSqlVersion: "beta", extra: true }),
        },
      }),
    ).toEqual([
      { path: "rules.A.sql", message: "Expected string, got 1" },
      { path: "rules.A.awsIotSqlVersion", message: "required field is missing" },
      { path: "rules.A.actions[0].kinesys", message: "unknown field" },
      { path: "rules.A.actions[1].kinesis.streamName", message: "required field is missing" },
      {
        path: "rules.B.actions[0].firehose.separator",
        message: 'Expected "\\n" | "\\t" | "\\r\\n" | ",", got ";"',
      },
      { path: "rules.C.extra", message: "unknown field" },
      { path: "rules.C.awsIotSqlVersion", message: 'Expected "2015-10-08" | "2016-03-23", got "beta"' },
    ])
  })

  it("an action names exactly one action type; a rule has at most 10", () => {
    expect(issuesOf({ rules: { A: rule({ actions: [{}] }) } })).toEqual([
      { path: "rules.A.actions[0]", message: "an action names exactly one action type" },
    ])
    const eleven = Array.from({ length: 11 }, () => ({ lambda: { functionArn: "f" } }))
    expect(issuesOf({ rules: { A: rule({ actions: eleven }) } })[0]?.path).toBe("rules.A.actions")
  })

  it("rule names match ^[a-zA-Z0-9_]+$", () => {
    expect(issuesOf({ rules: { "my-rule": rule(), ok_1: rule() } })).toEqual([
      {
        path: "rules.my-rule",
        message: "a rule name is 1–128 letters, digits and underscores (^[a-zA-Z0-9_]+$)",
      },
    ])
  })

  it("reports SQL and template errors with their line and column", () => {
    expect(
      issuesOf({
        rules: {
          A: rule({ sql: "SELECT * FROM 'data/+'\nWHERE nope(1)" }),
          B: rule({ actions: [{ kinesis: { streamName: "s", partitionKey: "${topic(2" } }] }),
          C: rule({ awsIotSqlVersion: "2015-10-08", sql: "SELECT [a] AS b FROM 'x'" }),
        },
      }),
    ).toEqual([
      { path: "rules.A.sql", message: "line 2, column 7: unknown function 'nope'" },
      {
        path: "rules.B.actions[0].kinesis.partitionKey",
        message: "line 1, column 1: unterminated substitution template: missing '}' after '${'",
      },
      {
        path: "rules.C.sql",
        message:
          "line 1, column 8: an array literal needs SQL version 2016-03-23 (this rule uses 2015-10-08)",
      },
    ])
  })

  it("roleArn and separator are never templates", () => {
    const loaded = loadRules({
      rules: { A: rule({ actions: [{ kinesis: { streamName: "s", roleArn: "${not a template" } }] }) },
    })
    expect(loaded.ok).toBe(true)
  })

  it("says when the text is not JSON", () => {
    expect(loadRulesText("{")).toMatchObject({
      ok: false,
      issues: [{ path: "(file)", message: /^not JSON/ }],
    })
  })
  it("requires the rules object", () => {
    expect(issuesOf({})).toEqual([{ path: "rules", message: "required field is missing" }])
  })
})
