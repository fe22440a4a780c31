/**
 * The message IoT Core sends to a rule's error action when actions fail.
 *
 * One message per rule and triggering message, listing every failed action:
 * `{ ruleName, topic, cloudwatchTraceId?, clientId, base64OriginalPayload, failures: [{
 * failedAction, failedResource, errorMessage }] }` — the shape of the IoT reference's "Error
 * action message format". Action names follow IoT's `S3Action` style (`KinesisAction`,
 * `FirehoseAction`, `OpenSearchAction`, …); the resource is the stream, bucket, index, topic or
 * function the action addresses.
 */
import { Buffer } from "node:buffer"
import { stringAtPath } from "../compile/namedAccess.ts"

export interface ActionFailure {
  readonly failedAction: string
  readonly failedResource: string
  readonly errorMessage: string
}

export interface ErrorActionMessage {
  readonly ruleName: string
  readonly topic: string
  readonly cloudwatchTraceId?: string
  readonly clientId: string
  readonly base64OriginalPayload: string
  readonly failures: ReadonlyArray<ActionFailure>
}

export const errorActionMessage = (input: {
  readonly ruleName: string
  readonly topic: string
  readonly clientId?: string | undefined
  readonly traceId?: string | undefined
  readonly payload: Uint8Array
  readonly failures: ReadonlyArray<ActionFailure>
}): ErrorActionMessage => ({
  ruleName: input.ruleName,
  topic: input.topic,
  ...(input.traceId === undefined ? {} : { cloudwatchTraceId: input.traceId }),
  clientId: input.clientId ?? "n/a",
  base64OriginalPayload: Buffer.from(input.payload).toString("base64"),
  failures: input.failures.map((f) => ({
    failedAction: f.failedAction,
    failedResource: f.failedResource,
    errorMessage: f.errorMessage,
  })),
})

/** `kinesis` → `KinesisAction`, `dynamoDBv2` → `DynamoDBv2Action`. */
export const failedActionName = (type: string): string =>
  `${type.charAt(0).toUpperCase()}${type.slice(1)}Action`

/** The field that names what each action type writes to. */
export const RESOURCE_FIELDS: Readonly<Record<string, ReadonlyArray<string>>> = {
  kinesis: ["streamName"],
  firehose: ["deliveryStreamName"],
  openSearch: ["index"],
  elasticsearch: ["index"],
  lambda: ["functionArn"],
  republish: ["topic"],
  s3: ["bucketName"],
  sqs: ["queueUrl"],
  sns: ["targetArn"],
  http: ["url"],
  dynamoDB: ["tableName"],
  dynamoDBv2: ["putItem", "tableName"],
  cloudwatchLogs: ["logGroupName"],
  cloudwatchMetric: ["metricName"],
  cloudwatchAlarm: ["alarmName"],
  stepFunctions: ["stateMachineName"],
  timestream: ["tableName"],
  kafka: ["topic"],
  iotEvents: ["inputName"],
  iotAnalytics: ["channelName"],
  location: ["trackerName"],
}

/** A reader of the resource an action of this type addresses, from its resolved parameters. */
export const resourceReader = (type: string): ((params: Readonly<Record<string, unknown>>) => string) =>
  stringAtPath(RESOURCE_FIELDS[type] ?? ["\u0000none"])

export const failedResourceOf = (type: string, params: Readonly<Record<string, unknown>>): string =>
  resourceReader(type)(params)
