/**
 * The IoT topic rules, from the same rules file `sluice up` runs, bound to the stack.
 *
 * One `AWS::IoT::TopicRule` per rule of the file (SQL version 2016-03-23), its actions bound to
 * the stack's stream, delivery stream and search domain (bindRuleActions.ts), each with an
 * error action into the rule-error log group — the error action receives the failed action,
 * the resource and the base64 payload, so nothing fails silently. One role per kind of target,
 * each allowed exactly one thing on exactly one resource: put records on the stream, put
 * records on the delivery stream, write to the error log group
 * (the search role belongs to the domain). The roles trust `iot.amazonaws.com` only for
 * requests from this account (`aws:SourceAccount`), the confused-deputy guard.
 */
import { type RemovalPolicy, Stack } from "aws-cdk-lib"
import * as iam from "aws-cdk-lib/aws-iam"
import * as iot from "aws-cdk-lib/aws-iot"
import type * as kinesis from "aws-cdk-lib/aws-kinesis"
import * as logs from "aws-cdk-lib/aws-logs"
import { Construct } from "constructs"
import { bindRuleActions } from "../rules/bindRuleActions.ts"
import type { RulesFile } from "../rules/rulesFile.ts"

export interface TopicRulesProps {
  readonly rules: RulesFile
  readonly stream: kinesis.IStream
  readonly deliveryStreamName: string
  readonly deliveryStreamArn: string
  readonly searchEndpoint: string
  /** Daily indexes are `<prefix>-YYYY-MM-DD`; the search rule must write under this prefix. */
  readonly searchIndexPrefix: string
  readonly searchRole: iam.IRole
  readonly logRetention: logs.RetentionDays
  readonly removalPolicy: RemovalPolicy
}

export class TopicRules extends Construct {
  readonly rules: ReadonlyMap<string, iot.CfnTopicRule>
  readonly errorLogs: logs.LogGroup
  readonly kinesisRole: iam.Role
  readonly firehoseRole: iam.Role
  readonly errorRole: iam.Role

  constructor(scope: Construct, id: string, props: TopicRulesProps) {
    super(scope, id)
    const stack = Stack.of(this)
    const iotRole = (roleId: string, description: string) =>
      new iam.Role(this, roleId, {
        assumedBy: new iam.ServicePrincipal("iot.amazonaws.com", {
          conditions: { StringEquals: { "aws:SourceAccount": stack.account } },
        }),
        description,
      })

    this.kinesisRole = iotRole("KinesisRole", "IoT rules engine: put readings on the telemetry stream")
    this.kinesisRole.addToPolicy(
      new iam.PolicyStatement({ actions: ["kinesis:PutRecord"], resources: [props.stream.streamArn] }),
    )

    this.firehoseRole = iotRole(
      "FirehoseRole",
      "IoT rules engine: put readings on the lake's delivery stream",
    )
    this.firehoseRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ["firehose:PutRecord", "firehose:PutRecordBatch"],
        resources: [props.deliveryStreamArn],
      }),
    )

    this.errorLogs = new logs.LogGroup(this, "RuleErrors", {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    })
    this.errorRole = iotRole(
      "ErrorRole",
      "IoT rules engine: record failed rule actions in the error log group",
    )
    this.errorRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
        resources: [this.errorLogs.logGroupArn],
      }),
    )

    const targets = {
      kinesis: { streamName: props.stream.streamName, roleArn: this.kinesisRole.roleArn },
      firehose: { deliveryStreamName: props.deliveryStreamName, roleArn: this.firehoseRole.roleArn },
      openSearch: {
        endpoint: `https://${props.searchEndpoint}`,
        roleArn: props.searchRole.roleArn,
        indexPrefix: props.searchIndexPrefix,
      },
      errorLogs: { logGroupName: this.errorLogs.logGroupName, roleArn: this.errorRole.roleArn },
    }
    const rules = new Map<string, iot.CfnTopicRule>()
    for (const [name, payload] of Object.entries(props.rules.rules)) {
      const rule = new iot.CfnTopicRule(this, name, {
        ruleName: name,
        topicRulePayload: bindRuleActions(name, payload, targets),
      })
      // The rule starts sending the moment it exists: its roles' policies must be in place.
      for (const role of [this.kinesisRole, this.firehoseRole, this.errorRole]) rule.node.addDependency(role)
      rules.set(name, rule)
    }
    this.rules = rules
  }
}
