/**
 * The poison-readings alarm (issue 8, docs/decisions/0711): the metric filter counts exactly
 * what the consumer's Lambda entry module prints, and the alarm notifies the configured topic
 * like the others. The full template's wiring is in template/lakeSearchAlarms.ts; here a small
 * stack holds only the alarms (no synthesis of the whole app), and the real entry module runs
 * over a stub DynamoDB client to print its summary line.
 */

import type { KinesisStreamEvent, KinesisStreamRecord } from "@sluice/core"
import { Stack } from "aws-cdk-lib"
import { Match, Template } from "aws-cdk-lib/assertions"
import * as lambda from "aws-cdk-lib/aws-lambda"
import * as logs from "aws-cdk-lib/aws-logs"
import * as sqs from "aws-cdk-lib/aws-sqs"
import { afterEach, describe, expect, it, vi } from "vitest"
import { decodeDeployConfig } from "../src/config/deployConfig.ts"
import { DEAD_LETTERED_PATTERN, PipelineAlarms } from "../src/constructs/pipelineAlarms.ts"
import { consumerEnvironment } from "../src/stack/handlerEnvironment.ts"

const TOPIC = "arn:aws:sns:us-east-1:123456789012:sluice-alarms"

describe("the poison-readings alarm", () => {
  it("notifies the configured SNS topic, as every other alarm does", () => {
    const stack = new Stack()
    new PipelineAlarms(stack, "Alarms", {
      consumer: lambda.Function.fromFunctionName(stack, "Consumer", "consumer"),
      consumerLogGroup: new logs.LogGroup(stack, "ConsumerLogs"),
      deadLetteredMetricName: "lab-dead-lettered-readings",
      onFailureQueue: new sqs.Queue(stack, "OnFailure"),
      deliveryStreamName: "lab-telemetry-lake",
      config: decodeDeployConfig({ alarms: { topicArn: TOPIC } }).alarms,
    })
    const template = Template.fromStack(stack)
    template.hasResourceProperties("AWS::Logs::MetricFilter", {
      LogGroupName: { Ref: Match.stringLikeRegexp("^ConsumerLogs") },
      FilterPattern: '{ ($.type = "sluice.batch") && ($.summary.deadLettered > 0) }',
      MetricTransformations: [
        {
          MetricNamespace: "Sluice",
          MetricName: "lab-dead-lettered-readings",
          MetricValue: "$.summary.deadLettered",
          Unit: "Count",
        },
      ],
    })
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "Sluice",
      MetricName: "lab-dead-lettered-readings",
      Statistic: "Sum",
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [TOPIC],
    })
    const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm"))
    expect(alarms).toHaveLength(5)
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([TOPIC])
  })
})

describe("the consumer's summary line, as the metric filter reads it", () => {
  const saved = { ...process.env }
  afterEach(() => {
    process.env = saved
    vi.restoreAllMocks()
  })

  const record = (data: string, i: number): KinesisStreamRecord => ({
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: "dev-1",
      sequenceNumber: String(49_650_000 + i),
      data: Buffer.from(data).toString("base64"),
      approximateArrivalTimestamp: 1_795_000_000,
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `shardId-000000000000:${49_650_000 + i}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: "arn:aws:iam::123456789012:role/consumer",
    awsRegion: "us-east-1",
    eventSourceARN: "arn:aws:kinesis:us-east-1:123456789012:stream/sluice-telemetry",
  })

  it("is one JSON object whose $.type and $.summary.deadLettered match the pattern and count the poison readings", async () => {
    // The stack's own environment for the consumer, so a change to BATCH_SUMMARY_LOG shows here.
    const env = consumerEnvironment({
      readingsTable: "sluice-readings",
      stateTable: "sluice-latest-state",
      deadLetterTable: "sluice-dead-letters",
      streamName: "sluice-telemetry",
      table: decodeDeployConfig({}).table,
    })
    // Importing the entry module builds its handler from process.env.
    Object.assign(process.env, env, { AWS_REGION: "us-east-1" })
    const { makeHandler } = await import("../../adapters-aws/src/lambda/kinesisConsumer.ts")
    const sent: string[] = []
    const client = {
      send: async (command: { constructor: { name: string } }) => {
        sent.push(command.constructor.name)
        return {}
      },
    }
    const lines: string[] = []
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk))
      return true
    })
    const handler = makeHandler(env, client as never)
    const event: KinesisStreamEvent = { Records: [record("not json", 0), record('{"DEVICE_NAME":1}', 1)] }
    const context = { awsRequestId: "r", getRemainingTimeInMillis: () => 60_000 }
    expect(await handler(event, context as never)).toEqual({ batchItemFailures: [] })
    vi.restoreAllMocks()

    expect(sent).toContain("BatchWriteItemCommand") // into the dead-letters table
    const summaries = lines
      .join("")
      .split("\n")
      .filter((line) => line.includes("sluice.batch"))
    expect(summaries).toHaveLength(1)
    const line = JSON.parse(summaries[0] ?? "") as { type: unknown; summary: { deadLettered: unknown } }
    // The selectors of DEAD_LETTERED_PATTERN and the metric value, read the way CloudWatch does.
    expect(DEAD_LETTERED_PATTERN.logPatternString).toBe(
      '{ ($.type = "sluice.batch") && ($.summary.deadLettered > 0) }',
    )
    expect(line.type).toBe("sluice.batch")
    expect(line.summary.deadLettered).toBe(2)
  })
})
