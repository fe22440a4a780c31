/**
 * The Kinesis stream between the rules engine and the consumer: on-demand, encrypted at rest.
 *
 * On-demand capacity by default: no shard count to size for a fleet whose size we do not know;
 * it scales with traffic, and costs an hourly fee per stream plus per GB in and out (see the
 * README's cost section). `stream.shardCount` provisions shards instead — cheaper for a small,
 * steady fleet. Server-side
 * encryption with the AWS-managed `aws/kinesis` key, which cdk-nag (AwsSolutions-KDS3)
 * recommends: it costs nothing, needs no key policy, and access to the data is still governed
 * by IAM on the stream — only the rules engine's role may put, only the consumer may read.
 * Retention defaults to 24 h, the included period; the consumer's maximum record age must stay
 * below it (the config checks), or a retried batch would be trimmed before its last retry.
 */
import { Duration, type RemovalPolicy } from "aws-cdk-lib"
import * as kinesis from "aws-cdk-lib/aws-kinesis"
import { Construct } from "constructs"

export interface TelemetryStreamProps {
  readonly streamName: string
  readonly retentionHours: number
  /** Provisioned shards; on-demand when absent. */
  readonly shardCount?: number
  readonly removalPolicy: RemovalPolicy
}

export class TelemetryStream extends Construct {
  readonly stream: kinesis.Stream

  constructor(scope: Construct, id: string, props: TelemetryStreamProps) {
    super(scope, id)
    this.stream = new kinesis.Stream(this, "Stream", {
      streamName: props.streamName,
      ...(props.shardCount === undefined
        ? { streamMode: kinesis.StreamMode.ON_DEMAND }
        : { streamMode: kinesis.StreamMode.PROVISIONED, shardCount: props.shardCount }),
      encryption: kinesis.StreamEncryption.MANAGED,
      retentionPeriod: Duration.hours(props.retentionHours),
      removalPolicy: props.removalPolicy,
    })
  }
}
