/**
 * Firehose to the data lake: direct PUT from the rules engine, the adapters-aws
 * `firehoseTransform` handler, dynamic partitioning by the reading's own hour, GZIP, and an
 * error prefix — the layout of docs/decisions/0601 (`DEFAULT_LAKE_PREFIX` and
 * `DEFAULT_ERROR_OUTPUT_PREFIX` in @sluice/core), so Athena and `sluice query` read the same
 * folders.
 *
 * Dynamic partitioning requires a buffer of at least 64 MiB (Firehose developer guide), so the
 * hands-on's 5 MiB is not available; the interval (60 s by default) is what bounds latency at
 * hands-on volumes. Records the transform fails, and deliveries S3 refuses, land under the
 * error prefix (`errors/<error-output-type>/…`) instead of being lost. The delivery stream
 * encrypts at rest with an AWS-owned key (free; cdk-nag AwsSolutions-KDF1) and logs delivery
 * errors to CloudWatch. Its role may only: write objects under the bucket, invoke the one
 * transform function, and write to its own log stream.
 */

import {
  DEFAULT_ERROR_OUTPUT_PREFIX,
  DEFAULT_LAKE_PREFIX,
  LAKE_DATA_ROOT,
  LAKE_ERROR_ROOT,
} from "@sluice/core"
import { ArnFormat, Duration, type RemovalPolicy, Stack } from "aws-cdk-lib"
import * as iam from "aws-cdk-lib/aws-iam"
import * as firehose from "aws-cdk-lib/aws-kinesisfirehose"
import * as logs from "aws-cdk-lib/aws-logs"
import type * as s3 from "aws-cdk-lib/aws-s3"
import { Construct } from "constructs"
import type { DeployConfig } from "../config/deployConfig.ts"
import { BundledHandler } from "./bundledHandler.ts"

export interface LakeDeliveryProps {
  /** The entry module to bundle. */
  readonly entry: string
  readonly deliveryStreamName: string
  readonly bucket: s3.Bucket
  readonly config: DeployConfig["lake"]
  readonly transformEnvironment: Readonly<Record<string, string>>
  readonly logRetention: logs.RetentionDays
  readonly removalPolicy: RemovalPolicy
}

export class LakeDelivery extends Construct {
  readonly deliveryStream: firehose.CfnDeliveryStream
  readonly deliveryStreamArn: string
  readonly transform: BundledHandler
  readonly role: iam.Role

  constructor(scope: Construct, id: string, props: LakeDeliveryProps) {
    super(scope, id)
    const { config, bucket } = props
    this.transform = new BundledHandler(this, "Transform", {
      handler: "firehoseTransform",
      entry: props.entry,
      description: "Sluice Firehose transformation: readings to JSON lines with partition keys",
      memoryMb: config.transformMemoryMb,
      // Firehose waits at most 5 minutes for a transformation invocation.
      timeout: Duration.minutes(1),
      environment: props.transformEnvironment,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    })

    const logGroup = new logs.LogGroup(this, "DeliveryLogs", {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    })
    const logStream = new logs.LogStream(this, "DeliveryErrors", {
      logGroup,
      removalPolicy: props.removalPolicy,
    })

    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("firehose.amazonaws.com", {
        conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
      }),
      description: "Firehose delivery to the data lake: write objects, invoke the transform, log errors",
    })
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          "s3:AbortMultipartUpload",
          "s3:GetBucketLocation",
          "s3:ListBucket",
          "s3:ListBucketMultipartUploads",
        ],
        resources: [bucket.bucketArn],
      }),
    )
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"],
        // Only the lake's two roots (decision 0601): data and error objects.
        resources: [bucket.arnForObjects(`${LAKE_DATA_ROOT}*`), bucket.arnForObjects(`${LAKE_ERROR_ROOT}*`)],
      }),
    )
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"],
        resources: [this.transform.function.functionArn],
      }),
    )
    const logStreamArn = Stack.of(this).formatArn({
      service: "logs",
      resource: "log-group",
      resourceName: `${logGroup.logGroupName}:log-stream:${logStream.logStreamName}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    })
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ["logs:PutLogEvents"], resources: [logStreamArn] }),
    )

    this.deliveryStream = new firehose.CfnDeliveryStream(this, "DeliveryStream", {
      deliveryStreamName: props.deliveryStreamName,
      deliveryStreamType: "DirectPut",
      deliveryStreamEncryptionConfigurationInput: { keyType: "AWS_OWNED_CMK" },
      extendedS3DestinationConfiguration: {
        bucketArn: bucket.bucketArn,
        roleArn: this.role.roleArn,
        prefix: DEFAULT_LAKE_PREFIX,
        errorOutputPrefix: DEFAULT_ERROR_OUTPUT_PREFIX,
        compressionFormat: "GZIP",
        bufferingHints: { sizeInMBs: config.bufferSizeMiB, intervalInSeconds: config.bufferIntervalSeconds },
        dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: "Lambda",
              parameters: [
                { parameterName: "LambdaArn", parameterValue: this.transform.function.functionArn },
                { parameterName: "BufferSizeInMBs", parameterValue: String(config.transformBufferSizeMiB) },
                {
                  parameterName: "BufferIntervalInSeconds",
                  parameterValue: String(config.transformBufferIntervalSeconds),
                },
                { parameterName: "NumberOfRetries", parameterValue: "3" },
              ],
            },
          ],
        },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: logGroup.logGroupName,
          logStreamName: logStream.logStreamName,
        },
        encryptionConfiguration: { noEncryptionConfig: "NoEncryption" },
      },
    })
    // The role's policy must exist before Firehose first validates access to the bucket.
    this.deliveryStream.node.addDependency(this.role)
    this.deliveryStreamArn = this.deliveryStream.attrArn
  }
}
