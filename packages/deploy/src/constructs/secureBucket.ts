/**
 * An S3 bucket as every bucket of the stack must be: public access blocked, encrypted (SSE-S3),
 * TLS-only (`enforceSSL` adds a bucket policy denying `aws:SecureTransport = false`, and TLS
 * 1.2 as the minimum), ACLs disabled (bucket-owner-enforced), and server access logs written to
 * the stack's access-log bucket under a prefix of its own.
 *
 * SSE-S3 rather than SSE-KMS: every writer here (Firehose, Athena, S3 logging) supports it
 * with no key policy to maintain, and it costs nothing per request; switch to a customer key
 * when an audit needs key-level access control. Objects are not versioned: the lake's objects
 * are written once and never overwritten, and old versions would only cost storage.
 */
import type { RemovalPolicy } from "aws-cdk-lib"
import * as s3 from "aws-cdk-lib/aws-s3"
import type { Construct } from "constructs"

export interface SecureBucketProps {
  readonly removalPolicy: RemovalPolicy
  /** Where this bucket's server access logs go; omitted only for the access-log bucket itself. */
  readonly accessLogs?: { readonly bucket: s3.Bucket; readonly prefix: string }
  readonly lifecycleRules?: s3.LifecycleRule[]
}

/**
 * A Bucket as an IBucket. aws-cdk-lib's jsii-generated types declare `Bucket.isWebsite` as
 * optional but `IBucket.isWebsite` as required, which `exactOptionalPropertyTypes` (on in this
 * repository) refuses; they are the same object at run time.
 */
export const asIBucket = (bucket: s3.Bucket): s3.IBucket => bucket as unknown as s3.IBucket

export const secureBucket = (scope: Construct, id: string, props: SecureBucketProps): s3.Bucket =>
  new s3.Bucket(scope, id, {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: props.removalPolicy,
    ...(props.accessLogs
      ? {
          serverAccessLogsBucket: asIBucket(props.accessLogs.bucket),
          serverAccessLogsPrefix: props.accessLogs.prefix,
        }
      : {}),
    ...(props.lifecycleRules ? { lifecycleRules: props.lifecycleRules } : {}),
  })
