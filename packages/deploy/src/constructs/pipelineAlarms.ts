/**
 * The alarms that say the pipeline is losing ground, each on a metric AWS publishes anyway:
 *
 * - consumer iterator age (Maximum over a minute, 5 minutes in a row): records wait in the
 *   stream longer than the threshold — the consumer is failing or too slow, and past the
 *   stream's retention records would be lost;
 * - dead letters: any message in the consumer's on-failure queue — a batch exhausted its
 *   retries or aged out, and its coordinates wait there for a replay;
 * - poison readings: any reading the consumer dead-lettered (into the dead-letters table) in 5
 *   minutes. AWS publishes no metric for that, so a metric filter on the consumer's log group
 *   counts it from the batch summary line the entry module already writes for every batch with
 *   a problem (`{"type":"sluice.batch","summary":{"deadLettered":n,…}}`, packages/adapters-aws/
 *   src/lambda/kinesisConsumer.ts, on while BATCH_SUMMARY_LOG is not `off`) into the metric
 *   `<prefix>-dead-lettered-readings` of the `Sluice` namespace (docs/decisions/0711);
 * - Firehose delivery to S3 and the transformation: any failed delivery or invocation in 5
 *   minutes (the `Success` metrics are ratios; below 1 means some attempt failed). Failed
 *   records then sit under the lake's error prefix.
 * Missing data is not breaching: an idle pipeline publishes nothing and is healthy. With
 * `alarms.topicArn` set, every alarm notifies that SNS topic.
 */
import { Duration } from "aws-cdk-lib"
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch"
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions"
import type * as lambda from "aws-cdk-lib/aws-lambda"
import * as logs from "aws-cdk-lib/aws-logs"
import * as sns from "aws-cdk-lib/aws-sns"
import type * as sqs from "aws-cdk-lib/aws-sqs"
import { Construct } from "constructs"
import type { DeployConfig } from "../config/deployConfig.ts"

/** The namespace of the stack's own metrics (those AWS does not publish). */
export const METRIC_NAMESPACE = "Sluice"

/**
 * The consumer's batch summaries that dead-lettered readings: the line's `type`, and a count
 * above zero (a summary is also written for retries alone or a reached deadline).
 */
export const DEAD_LETTERED_PATTERN = logs.FilterPattern.all(
  logs.FilterPattern.stringValue("$.type", "=", "sluice.batch"),
  logs.FilterPattern.numberValue("$.summary.deadLettered", ">", 0),
)

export interface PipelineAlarmsProps {
  readonly consumer: lambda.IFunction
  /** Where the consumer's summary lines go (its explicit log group). */
  readonly consumerLogGroup: logs.ILogGroup
  /** The metric of dead-lettered readings, in `METRIC_NAMESPACE`; named per stack (namePrefix). */
  readonly deadLetteredMetricName: string
  readonly onFailureQueue: sqs.IQueue
  readonly deliveryStreamName: string
  readonly config: DeployConfig["alarms"]
}

export class PipelineAlarms extends Construct {
  readonly alarms: ReadonlyArray<cloudwatch.Alarm>
  readonly deadLettered: logs.MetricFilter

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id)
    const { config } = props
    const firehoseMetric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: "AWS/Firehose",
        metricName,
        dimensionsMap: { DeliveryStreamName: props.deliveryStreamName },
        statistic: "Minimum",
        period: Duration.minutes(5),
      })
    const notBreaching = cloudwatch.TreatMissingData.NOT_BREACHING
    // No default value: minutes without a dead letter publish nothing (free, and not breaching).
    this.deadLettered = new logs.MetricFilter(this, "DeadLetteredReadings", {
      logGroup: props.consumerLogGroup,
      filterPattern: DEAD_LETTERED_PATTERN,
      metricNamespace: METRIC_NAMESPACE,
      metricName: props.deadLetteredMetricName,
      metricValue: "$.summary.deadLettered",
      unit: cloudwatch.Unit.COUNT,
    })

    const alarms = [
      new cloudwatch.Alarm(this, "ConsumerIteratorAge", {
        alarmDescription: "The Kinesis consumer is falling behind: records wait longer than the threshold",
        metric: props.consumer.metric("IteratorAge", { statistic: "Maximum", period: Duration.minutes(1) }),
        threshold: config.iteratorAgeMs,
        evaluationPeriods: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: notBreaching,
      }),
      new cloudwatch.Alarm(this, "DeadLetters", {
        alarmDescription: "Batches the consumer gave up on wait in its on-failure queue: replay them",
        metric: props.onFailureQueue.metricApproximateNumberOfMessagesVisible({
          statistic: "Maximum",
          period: Duration.minutes(1),
        }),
        threshold: config.deadLetterDepth,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: notBreaching,
      }),
      new cloudwatch.Alarm(this, "PoisonReadings", {
        alarmDescription:
          "The consumer dead-lettered readings it can never store: their reasons are in the dead-letters table",
        metric: this.deadLettered.metric({ statistic: "Sum", period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: notBreaching,
      }),
      new cloudwatch.Alarm(this, "LakeDeliveryFailures", {
        alarmDescription: "Firehose failed to deliver to S3: records go to the lake's error prefix",
        metric: firehoseMetric("DeliveryToS3.Success"),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: notBreaching,
      }),
      new cloudwatch.Alarm(this, "LakeTransformFailures", {
        alarmDescription: "The Firehose transformation failed: records go to the lake's error prefix",
        metric: firehoseMetric("ExecuteProcessing.Success"),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: notBreaching,
      }),
    ]
    if (config.topicArn !== undefined) {
      const topic = sns.Topic.fromTopicArn(this, "Topic", config.topicArn)
      for (const alarm of alarms) alarm.addAlarmAction(new actions.SnsAction(topic))
    }
    this.alarms = alarms
  }
}
