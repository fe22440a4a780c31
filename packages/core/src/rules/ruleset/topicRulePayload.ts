/**
 * Rules as data: the schema of a rules file, in the shape of CloudFormation's
 * `AWS::IoT::TopicRule` `TopicRulePayload` with the camelCase keys of CDK's
 * `CfnTopicRule.TopicRulePayloadProperty`, so one file drives the local stack and the CDK stack.
 *
 * A rules file is `{ "rules": { "<RuleName>": <TopicRulePayload>, … } }`. Differences from
 * CloudFormation, all deliberate: `awsIotSqlVersion` is required (CloudFormation defaults to
 * 2015-10-08, which is rarely what anyone means) and limited to the two versions this engine
 * implements; `roleArn` is optional (nothing assumes roles locally; the CDK stack supplies them).
 * The actions the pipeline uses are checked field by field; the other CloudFormation action types
 * are accepted as opaque objects. Unknown keys are errors, so a typo never silently disables a
 * field.
 */
import { Schema } from "effect"

const Str = Schema.String
const opt = Schema.optionalKey
const RoleArn = opt(Str)

/** CloudFormation Firehose `Separator`: "Valid values are: '\n', '\t', '\r\n', ','". */
export const FIREHOSE_SEPARATORS = ["\n", "\t", "\r\n", ","] as const

export const KinesisAction = Schema.Struct({ streamName: Str, partitionKey: opt(Str), roleArn: RoleArn })
export const FirehoseAction = Schema.Struct({
  deliveryStreamName: Str,
  separator: opt(Schema.Literals(FIREHOSE_SEPARATORS)),
  batchMode: opt(Schema.Boolean),
  roleArn: RoleArn,
})
export const OpenSearchAction = Schema.Struct({
  endpoint: Str,
  index: Str,
  id: Str,
  type: Str,
  roleArn: RoleArn,
})
export const LambdaAction = Schema.Struct({ functionArn: Str })
export const RepublishAction = Schema.Struct({
  topic: Str,
  qos: opt(Schema.Literals([0, 1])),
  roleArn: RoleArn,
  headers: opt(Schema.Record(Str, Schema.Unknown)),
})
export const S3Action = Schema.Struct({ bucketName: Str, key: Str, cannedAcl: opt(Str), roleArn: RoleArn })
export const SqsAction = Schema.Struct({ queueUrl: Str, useBase64: opt(Schema.Boolean), roleArn: RoleArn })
export const SnsAction = Schema.Struct({
  targetArn: Str,
  messageFormat: opt(Schema.Literals(["RAW", "JSON"])),
  roleArn: RoleArn,
})
export const HttpAction = Schema.Struct({
  url: Str,
  confirmationUrl: opt(Str),
  headers: opt(Schema.Array(Schema.Struct({ key: Str, value: Str }))),
  auth: opt(Schema.Record(Str, Schema.Unknown)),
  batchConfig: opt(Schema.Record(Str, Schema.Unknown)),
})

const Opaque = opt(Schema.Record(Str, Schema.Unknown))

/** The action types a rule may name; the first group is modelled, the rest passed through. */
export const Action = Schema.Struct({
  kinesis: opt(KinesisAction),
  firehose: opt(FirehoseAction),
  openSearch: opt(OpenSearchAction),
  elasticsearch: opt(OpenSearchAction),
  lambda: opt(LambdaAction),
  republish: opt(RepublishAction),
  s3: opt(S3Action),
  sqs: opt(SqsAction),
  sns: opt(SnsAction),
  http: opt(HttpAction),
  cloudwatchAlarm: Opaque,
  cloudwatchLogs: Opaque,
  cloudwatchMetric: Opaque,
  dynamoDB: Opaque,
  dynamoDBv2: Opaque,
  iotAnalytics: Opaque,
  iotEvents: Opaque,
  iotSiteWise: Opaque,
  kafka: Opaque,
  location: Opaque,
  stepFunctions: Opaque,
  timestream: Opaque,
}).check(
  Schema.makeFilter(
    (action) => Object.keys(action).length === 1 || "an action names exactly one action type",
  ),
)
export type Action = typeof Action.Type

/** CloudFormation `TopicRulePayload.Actions`: "Maximum: 10". */
export const MAX_ACTIONS_PER_RULE = 10

export const TopicRulePayload = Schema.Struct({
  sql: Str,
  awsIotSqlVersion: Schema.Literals(["2015-10-08", "2016-03-23"]),
  ruleDisabled: opt(Schema.Boolean),
  description: opt(Str),
  actions: Schema.Array(Action).check(Schema.isMaxLength(MAX_ACTIONS_PER_RULE)),
  errorAction: opt(Action),
})
export type TopicRulePayload = typeof TopicRulePayload.Type

export const RulesFile = Schema.Struct({ rules: Schema.Record(Str, TopicRulePayload) })
export type RulesFile = typeof RulesFile.Type

/** The IoT API's rule name constraint: "Pattern: ^[a-zA-Z0-9_]+$", length 1–128. */
export const RULE_NAME_PATTERN = /^[a-zA-Z0-9_]+$/
export const MAX_RULE_NAME_LENGTH = 128

/** The one action type an action object names (`kinesis`, `firehose`, …). */
export const actionType = (action: Action): string => Object.keys(action)[0] as string

/** The parameters of an action object (`{ streamName, partitionKey }` for a kinesis action). */
export const actionParams = (action: Action): Readonly<Record<string, unknown>> =>
  (action as Record<string, Record<string, unknown>>)[actionType(action)] ?? {}
