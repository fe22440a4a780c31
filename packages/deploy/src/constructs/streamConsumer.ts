/**
 * The Kinesis consumer: the adapters-aws `kinesisConsumer` handler, bundled, fed by an event
 * source mapping, failing over to an SQS queue.
 *
 * The mapping is the one the handler is written for (README "Kinesis consumer"):
 * `ReportBatchItemFailures` so a partial failure checkpoints at the first failed record instead
 * of replaying the whole batch; bisect-on-error so a batch that fails whole (a timeout, a crash)
 * is halved until the bad record is alone; bounded retries and a maximum record age — never
 * Lambda's infinite defaults — so nothing retries forever and blocks its shard (invariant 5);
 * and an on-failure destination, which receives the batch's coordinates (shard, sequence
 * range), not its data: replay them from the stream while it still holds them. Records the
 * handler can prove poison never get that far — it dead-letters them itself, with a reason.
 * Starting at TRIM_HORIZON: readings that arrived before the mapping was created are consumed.
 */
import { Duration, type RemovalPolicy } from "aws-cdk-lib"
import type * as iam from "aws-cdk-lib/aws-iam"
import type * as kinesis from "aws-cdk-lib/aws-kinesis"
import * as lambda from "aws-cdk-lib/aws-lambda"
import { KinesisEventSource, SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources"
import type * as logs from "aws-cdk-lib/aws-logs"
import * as sqs from "aws-cdk-lib/aws-sqs"
import { Construct } from "constructs"
import type { DeployConfig } from "../config/deployConfig.ts"
import { BundledHandler } from "./bundledHandler.ts"

export interface StreamConsumerProps {
  /** The entry module to bundle. */
  readonly entry: string
  readonly stream: kinesis.IStream
  readonly config: DeployConfig["consumer"]
  readonly environment: Readonly<Record<string, string>>
  /** What the handler may do besides reading the stream (table writes, dead letters). */
  readonly statements: ReadonlyArray<iam.PolicyStatement>
  readonly queueName: string
  readonly logRetention: logs.RetentionDays
  readonly removalPolicy: RemovalPolicy
}

export class StreamConsumer extends Construct {
  readonly handler: BundledHandler
  readonly onFailure: sqs.Queue

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id)
    const { config } = props
    this.handler = new BundledHandler(this, "Handler", {
      handler: "kinesisConsumer",
      entry: props.entry,
      description: "Sluice Kinesis consumer: idempotent, ordered writes of readings to DynamoDB",
      memoryMb: config.memoryMb,
      timeout: Duration.seconds(config.timeoutSeconds),
      environment: props.environment,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    })
    for (const statement of props.statements) this.handler.role.addToPolicy(statement)

    this.onFailure = new sqs.Queue(this, "OnFailure", {
      queueName: props.queueName,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(config.deadLetterRetentionDays),
      removalPolicy: props.removalPolicy,
    })

    this.handler.function.addEventSource(
      new KinesisEventSource(props.stream, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: config.batchSize,
        maxBatchingWindow: Duration.seconds(config.maxBatchingWindowSeconds),
        parallelizationFactor: config.parallelizationFactor,
        bisectBatchOnError: true,
        retryAttempts: config.retryAttempts,
        maxRecordAge: Duration.seconds(config.maxRecordAgeSeconds),
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.onFailure),
      }),
    )
  }
}
