// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IoT policy variables and substitution templates
/**
 * The synthesized template, resource by resource: every wiring the issue asks for — the IoT
 * thing type and device policy, the topic rules from the rules file bound to real resources,
 * the stream, the consumer and its event source mapping, the tables, the lake's delivery stream
 * and catalog, the search domain, the buckets and the alarms. Run by template.test.ts over its one synthesis.
 */
import { Match } from "aws-cdk-lib/assertions"
import { describe, expect, it } from "vitest"
import { fromRepoRoot } from "../../src/paths.ts"
import { readRulesFile } from "../../src/rules/rulesFile.ts"
import { resourcesOf, type Synthesized } from "../support/synthesize.ts"

const THING = "${iot:Connection.Thing.ThingName}"
/** A `Fn::Join` ARN of the stack's region/account ending in `suffix`. */
const arnEndingWith = (service: string, suffix: string) =>
  Match.objectLike({
    "Fn::Join": [
      "",
      [
        "arn:",
        { Ref: "AWS::Partition" },
        `:${service}:`,
        { Ref: "AWS::Region" },
        ":",
        { Ref: "AWS::AccountId" },
        suffix,
      ],
    ],
  })

export const iotAndPipelineTests = (get: () => Synthesized): void => {
  describe("IoT Core: thing type and device policy", () => {
    it("creates the thing type", () => {
      get().template.hasResourceProperties("AWS::IoT::ThingType", { ThingTypeName: "SluiceSensor" })
    })

    it("lets a device connect only as itself, publish only to data/<thing> and its shadow requests", () => {
      get().template.hasResourceProperties("AWS::IoT::Policy", {
        PolicyName: "sluice-device",
        PolicyDocument: {
          Statement: [
            {
              Effect: "Allow",
              Action: "iot:Connect",
              Resource: arnEndingWith("iot", `:client/${THING}`),
              Condition: { Bool: { "iot:Connection.Thing.IsAttached": "true" } },
            },
            {
              Effect: "Allow",
              Action: "iot:Publish",
              Resource: [
                arnEndingWith("iot", `:topic/data/${THING}`),
                arnEndingWith("iot", `:topic/$aws/things/${THING}/shadow/get`),
                arnEndingWith("iot", `:topic/$aws/things/${THING}/shadow/update`),
              ],
            },
            {
              Effect: "Allow",
              Action: "iot:Subscribe",
              Resource: [
                "get/accepted",
                "get/rejected",
                "update/accepted",
                "update/rejected",
                "update/delta",
              ].map((s) => arnEndingWith("iot", `:topicfilter/$aws/things/${THING}/shadow/${s}`)),
            },
            {
              Effect: "Allow",
              Action: "iot:Receive",
              Resource: [
                "get/accepted",
                "get/rejected",
                "update/accepted",
                "update/rejected",
                "update/delta",
              ].map((s) => arnEndingWith("iot", `:topic/$aws/things/${THING}/shadow/${s}`)),
            },
          ],
        },
      })
    })
  })

  describe("topic rules from rules/hands-on.rules.json", () => {
    const ruleNamed = (name: string) => {
      const found = resourcesOf(get(), "AWS::IoT::TopicRule").find(([, r]) => r.Properties?.RuleName === name)
      expect(found, `rule ${name}`).toBeDefined()
      return found![1].Properties!.TopicRulePayload as Record<string, unknown>
    }
    const logicalIdOf = (type: string) => resourcesOf(get(), type).map(([id]) => id)

    it("deploys every rule of the file, under SQL version 2016-03-23, each with an error action", () => {
      const rules = resourcesOf(get(), "AWS::IoT::TopicRule")
      const file = readRulesFile(fromRepoRoot("rules/hands-on.rules.json"))
      expect(rules.map(([, r]) => r.Properties?.RuleName).sort()).toEqual(Object.keys(file.rules).sort())
      expect(rules.length).toBeGreaterThanOrEqual(3)
      const errorLogs = get().stack.getLogicalId(get().stack.topicRules.errorLogs.node.defaultChild as never)
      for (const [, rule] of rules) {
        const payload = rule.Properties!.TopicRulePayload as Record<string, unknown>
        expect(payload.AwsIotSqlVersion).toBe("2016-03-23")
        expect(payload.ErrorAction).toEqual({
          CloudwatchLogs: {
            LogGroupName: { Ref: errorLogs },
            RoleArn: { "Fn::GetAtt": [expect.stringMatching(/^RulesErrorRole/), "Arn"] },
          },
        })
      }
    })

    it("sends every reading to the stack's Kinesis stream, partitioned by device", () => {
      const payload = ruleNamed("telemetry_to_stream")
      expect(payload.Sql).toBe("SELECT * FROM 'data/+'")
      expect(payload.Actions).toEqual([
        {
          Kinesis: {
            StreamName: { Ref: logicalIdOf("AWS::Kinesis::Stream")[0] },
            PartitionKey: "${topic(2)}",
            RoleArn: { "Fn::GetAtt": [expect.stringMatching(/^RulesKinesisRole/), "Arn"] },
          },
        },
      ])
    })

    it("sends every reading to the lake's delivery stream with a newline separator", () => {
      expect(ruleNamed("telemetry_to_lake").Actions).toEqual([
        {
          Firehose: {
            DeliveryStreamName: "sluice-telemetry-lake",
            Separator: "\n",
            RoleArn: { "Fn::GetAtt": [expect.stringMatching(/^RulesFirehoseRole/), "Arn"] },
          },
        },
      ])
    })

    it("indexes readings into daily indexes of the domain under deterministic ids", () => {
      const [action] = ruleNamed("telemetry_to_search").Actions as Array<{
        OpenSearch: Record<string, unknown>
      }>
      expect(action!.OpenSearch).toEqual({
        Endpoint: {
          "Fn::Join": [
            "",
            [
              "https://",
              { "Fn::GetAtt": [logicalIdOf("AWS::OpenSearchService::Domain")[0], "DomainEndpoint"] },
            ],
          ],
        },
        Index: expect.stringMatching(/^telemetry-\$\{.+\}$/),
        Id: expect.stringMatching(/DEVICE_NAME.*TIMESTAMP/),
        Type: "_doc",
        RoleArn: { "Fn::GetAtt": [expect.stringMatching(/^SearchIngestRole/), "Arn"] },
      })
    })
  })

  describe("stream, consumer and tables", () => {
    it("has an on-demand, encrypted Kinesis stream", () => {
      get().template.hasResourceProperties("AWS::Kinesis::Stream", {
        Name: "sluice-telemetry",
        StreamModeDetails: { StreamMode: "ON_DEMAND" },
        StreamEncryption: { EncryptionType: "KMS", KeyId: "alias/aws/kinesis" },
        RetentionPeriodHours: 24,
      })
    })

    it("runs the consumer on Node.js 24 (arm64) with the adapters-aws entry's environment", () => {
      get().template.hasResourceProperties("AWS::Lambda::Function", {
        Runtime: "nodejs24.x",
        Architectures: ["arm64"],
        Handler: "index.handler",
        MemorySize: 256,
        Timeout: 60,
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp("^ConsumerHandlerLogs") } },
        Environment: {
          Variables: Match.objectLike({
            TABLE_NAME: { Ref: Match.stringLikeRegexp("^TablesReadings") },
            STATE_TABLE_NAME: { Ref: Match.stringLikeRegexp("^TablesLatestState") },
            DEAD_LETTER_TABLE_NAME: { Ref: Match.stringLikeRegexp("^TablesDeadLetters") },
            TTL_ATTRIBUTE: "expiresAt",
            READING_TTL_SECONDS: String(30 * 86_400),
            STREAM_NAME: "sluice-telemetry",
          }),
        },
      })
    })

    it("maps the stream to the consumer with partial batch responses, bisect, bounded retries and age, and an SQS on-failure destination", () => {
      get().template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
        EventSourceArn: { "Fn::GetAtt": [Match.stringLikeRegexp("^TelemetryStream"), "Arn"] },
        FunctionName: { Ref: Match.stringLikeRegexp("^ConsumerHandlerFunction") },
        StartingPosition: "TRIM_HORIZON",
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 1,
        ParallelizationFactor: 1,
        FunctionResponseTypes: ["ReportBatchItemFailures"],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        MaximumRecordAgeInSeconds: 86_400,
        DestinationConfig: {
          OnFailure: { Destination: { "Fn::GetAtt": [Match.stringLikeRegexp("^ConsumerOnFailure"), "Arn"] } },
        },
      })
      get().template.hasResourceProperties("AWS::SQS::Queue", {
        QueueName: "sluice-consumer-on-failure",
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 86_400,
      })
    })

    it("keys the readings table on (deviceId, ts) with point-in-time recovery and TTL, beside latest state and dead letters", () => {
      get().template.hasResourceProperties("AWS::DynamoDB::Table", {
        TableName: "sluice-readings",
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [
          { AttributeName: "deviceId", KeyType: "HASH" },
          { AttributeName: "ts", KeyType: "RANGE" },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
      })
      get().template.hasResourceProperties("AWS::DynamoDB::Table", {
        TableName: "sluice-latest-state",
        KeySchema: [{ AttributeName: "deviceId", KeyType: "HASH" }],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: Match.absent(),
      })
      get().template.hasResourceProperties("AWS::DynamoDB::Table", {
        TableName: "sluice-dead-letters",
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      })
      get().template.resourceCountIs("AWS::DynamoDB::Table", 3)
    })
  })
}
