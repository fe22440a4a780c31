/**
 * The alarms that say the pipeline is losing ground, each on a metric AWS publishes anyway:
 *
 * - consumer iterator age (Maximum over a minute, 5 minutes in a row): records wait in the
 *   stream longer than the threshold — the consumer is failing or too slow, and past the
 *   stream's retention records would be lost;
 * - dead letters: any message in the consumer's on-failure queue — a batch exhausted its
 *   retries or aged out, and its coordinates wait there for a replay;
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
import * as sns from "aws-cdk-lib/aws-sns"
import type * as sqs from "aws-cdk-lib/aws-sqs"
import { Construct } from "constructs"
import type { DeployConfig } from "../config/deployConfig.ts"

export interface PipelineAlarmsProps {
  readonly consumer: lambda.IFunction
  readonly onFailureQueue: sqs.IQueue
  readonly deliveryStreamName: string
  readonly config: DeployConfig["alarms"]
}

export class PipelineAlarms extends Construct {
  readonly alarms: ReadonlyArray<cloudwatch.Alarm>

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
