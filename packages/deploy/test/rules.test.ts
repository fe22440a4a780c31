// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IoT substitution templates, not JS templates
/**
 * Reading the shared rules file and binding its logical action targets to the stack's resources.
 */
import { describe, expect, it } from "vitest"
import { fromRepoRoot } from "../src/paths.ts"
import { bindRuleActions, type RuleTargets } from "../src/rules/bindRuleActions.ts"
import { parseRulesFile, readRulesFile, type TopicRulePayload } from "../src/rules/rulesFile.ts"

const targets: RuleTargets = {
  kinesis: { streamName: "real-stream", roleArn: "arn:kinesis-role" },
  firehose: { deliveryStreamName: "real-delivery", roleArn: "arn:firehose-role" },
  openSearch: { endpoint: "https://search.example", roleArn: "arn:search-role", indexPrefix: "telemetry" },
  errorLogs: { logGroupName: "rule-errors", roleArn: "arn:error-role" },
}
const rule = (actions: unknown[], extra: object = {}): TopicRulePayload =>
  ({ sql: "SELECT * FROM 'data/+'", actions, ...extra }) as unknown as TopicRulePayload

describe("the rules file", () => {
  it("is the one sluice up runs, and every rule in it binds to the stack", () => {
    const file = readRulesFile(fromRepoRoot("rules/hands-on.rules.json"))
    expect(Object.keys(file.rules).length).toBeGreaterThanOrEqual(3)
    for (const [name, payload] of Object.entries(file.rules)) {
      expect(payload.awsIotSqlVersion).toBe("2016-03-23")
      expect(() => bindRuleActions(name, payload, targets)).not.toThrow()
    }
  })

  it("refuses bad names, missing sql or actions, and other SQL versions", () => {
    expect(() => parseRulesFile({})).toThrow(/expected/)
    expect(() => parseRulesFile({ rules: {} })).toThrow(/no rules/)
    expect(() => parseRulesFile({ rules: { "bad-name": rule([{}]) } })).toThrow(/bad-name/)
    expect(() => parseRulesFile({ rules: { r: { actions: [{}] } } })).toThrow(/rule r has no sql/)
    expect(() => parseRulesFile({ rules: { r: rule([]) } })).toThrow(/no actions/)
    expect(() => parseRulesFile({ rules: { r: rule([{}], { awsIotSqlVersion: "2015-10-08" }) } })).toThrow(
      /2015-10-08/,
    )
    expect(parseRulesFile({ rules: { r: rule([{}]) } }).rules.r?.awsIotSqlVersion).toBe("2016-03-23")
  })
})

describe("binding rule actions", () => {
  it("maps logical names to the stack's resources and roles, keeping partition key, index and id", () => {
    const bound = bindRuleActions(
      "r",
      rule([
        { kinesis: { streamName: "telemetry", partitionKey: "${topic(2)}" } },
        { firehose: { deliveryStreamName: "telemetry-lake" } },
        {
          openSearch: {
            endpoint: "http://localhost:9200",
            index: "telemetry-${x}",
            id: "${a}/${b}",
            type: "_doc",
          },
        },
      ]),
      targets,
    )
    expect(bound.actions).toEqual([
      { kinesis: { streamName: "real-stream", partitionKey: "${topic(2)}", roleArn: "arn:kinesis-role" } },
      { firehose: { deliveryStreamName: "real-delivery", roleArn: "arn:firehose-role", separator: "\n" } },
      {
        openSearch: {
          endpoint: "https://search.example",
          index: "telemetry-${x}",
          id: "${a}/${b}",
          type: "_doc",
          roleArn: "arn:search-role",
        },
      },
    ])
    expect(bound.errorAction).toEqual({
      cloudwatchLogs: { logGroupName: "rule-errors", roleArn: "arn:error-role" },
    })
  })

  it("refuses what the stack cannot honour, naming the rule", () => {
    const refuse = (action: unknown) => () => bindRuleActions("r1", rule([action]), targets)
    expect(refuse({ kinesis: { streamName: "other", partitionKey: "k" } })).toThrow(
      /rule r1: unknown Kinesis stream/,
    )
    expect(refuse({ kinesis: { streamName: "telemetry" } })).toThrow(/partition key/)
    expect(refuse({ firehose: { deliveryStreamName: "telemetry-lake", separator: "," } })).toThrow(
      /separator/,
    )
    expect(refuse({ openSearch: { index: "telemetry-x" } })).toThrow(/deterministic id/)
    expect(refuse({ openSearch: { index: "logs-x", id: "i" } })).toThrow(/must start with "telemetry-"/)
    expect(refuse({ lambda: { functionArn: "arn" } })).toThrow(/cannot bind a lambda action/)
    expect(() =>
      bindRuleActions(
        "r2",
        {
          ...rule([{ firehose: { deliveryStreamName: "telemetry-lake" } }]),
          errorAction: { s3: {} },
        } as never,
        targets,
      ),
    ).toThrow(/error action/)
  })
})
