// biome-ignore-all lint/suspicious/noExplicitAny: CloudFormation JSON read back from the template is untyped
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Glue partition templates, not JS templates
/**
 * The rest of the template: Firehose into the lake (transform, dynamic partitioning, buffering,
 * GZIP, error prefix), the Glue table and Athena workgroup over it, the OpenSearch domain and its
 * access policy, the buckets' protections and the alarms. Run by template.test.ts over its one synthesis.
 */
import { DEFAULT_ERROR_OUTPUT_PREFIX, DEFAULT_LAKE_PREFIX } from "@sluice/core"
import { Match } from "aws-cdk-lib/assertions"
import { describe, expect, it } from "vitest"
import { onlyPropertiesOf, resourcesOf, type Synthesized } from "../support/synthesize.ts"

export const lakeSearchAlarmsTests = (get: () => Synthesized): void => {
  describe("the lake", () => {
    it("delivers with the transform, dynamic partitioning by the reading's hour, buffering, GZIP and an error prefix", () => {
      get().template.hasResourceProperties("AWS::KinesisFirehose::DeliveryStream", {
        DeliveryStreamName: "sluice-telemetry-lake",
        DeliveryStreamType: "DirectPut",
        DeliveryStreamEncryptionConfigurationInput: { KeyType: "AWS_OWNED_CMK" },
        ExtendedS3DestinationConfiguration: Match.objectLike({
          BucketARN: { "Fn::GetAtt": [Match.stringLikeRegexp("^Lake"), "Arn"] },
          Prefix: DEFAULT_LAKE_PREFIX,
          ErrorOutputPrefix: DEFAULT_ERROR_OUTPUT_PREFIX,
          CompressionFormat: "GZIP",
          BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 60 },
          DynamicPartitioningConfiguration: { Enabled: true, RetryOptions: { DurationInSeconds: 300 } },
          ProcessingConfiguration: {
            Enabled: true,
            Processors: [
              {
                Type: "Lambda",
                Parameters: Match.arrayWith([
                  {
                    ParameterName: "LambdaArn",
                    ParameterValue: {
                      "Fn::GetAtt": [Match.stringLikeRegexp("^LakeDeliveryTransformFunction"), "Arn"],
                    },
                  },
                ]),
              },
            ],
          },
          CloudWatchLoggingOptions: Match.objectLike({ Enabled: true }),
        }),
      })
      expect(DEFAULT_LAKE_PREFIX).toContain("!{partitionKeyFromLambda:hour}")
    })

    it("runs the transform on Node.js 24 with a timeout Firehose accepts", () => {
      get().template.hasResourceProperties("AWS::Lambda::Function", {
        Runtime: "nodejs24.x",
        Timeout: 60,
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp("^LakeDeliveryTransformLogs") } },
      })
    })

    it("catalogs the lake in Glue with the JSON SerDe and partition projection over the lake's folders", () => {
      get().template.hasResourceProperties("AWS::Glue::Database", { DatabaseInput: { Name: "sluice_lake" } })
      const input = onlyPropertiesOf(get(), "AWS::Glue::Table").TableInput
      expect(input.Name).toBe("telemetry")
      expect(input.PartitionKeys.map((k: { Name: string }) => k.Name)).toEqual([
        "year",
        "month",
        "day",
        "hour",
      ])
      expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(
        "org.openx.data.jsonserde.JsonSerDe",
      )
      expect(input.Parameters).toMatchObject({
        "projection.enabled": "true",
        "projection.year.type": "integer",
        "projection.month.digits": "2",
        "projection.hour.range": "0,23",
      })
      expect(JSON.stringify(input.Parameters["storage.location.template"])).toContain(
        "/telemetry/year=${year}/month=${month}/day=${day}/hour=${hour}/",
      )
      const columns = input.StorageDescriptor.Columns.map((c: { Name: string }) => c.Name)
      expect(columns).toEqual(
        expect.arrayContaining(["device_name", "timestamp", "temperature", "humidity", "deviceid", "ts"]),
      )
    })

    it("has an Athena workgroup that enforces encrypted results and a scan limit", () => {
      get().template.hasResourceProperties("AWS::Athena::WorkGroup", {
        Name: "sluice-lake",
        WorkGroupConfiguration: Match.objectLike({
          EnforceWorkGroupConfiguration: true,
          BytesScannedCutoffPerQuery: 1_000_000_000,
          ResultConfiguration: Match.objectLike({ EncryptionConfiguration: { EncryptionOption: "SSE_S3" } }),
        }),
      })
    })
  })

  describe("the search domain", () => {
    it("encrypts at rest and node to node, enforces HTTPS with TLS 1.2+, and logs to CloudWatch", () => {
      get().template.hasResourceProperties("AWS::OpenSearchService::Domain", {
        DomainName: "sluice-search",
        EngineVersion: "OpenSearch_2.19",
        EncryptionAtRestOptions: { Enabled: true },
        NodeToNodeEncryptionOptions: { Enabled: true },
        DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
        ClusterConfig: Match.objectLike({ InstanceType: "t3.small.search", InstanceCount: 1 }),
        EBSOptions: { EBSEnabled: true, VolumeType: "gp3", VolumeSize: 10 },
        LogPublishingOptions: {
          ES_APPLICATION_LOGS: Match.objectLike({ Enabled: true }),
          SEARCH_SLOW_LOGS: Match.objectLike({ Enabled: true }),
          INDEX_SLOW_LOGS: Match.objectLike({ Enabled: true }),
        },
      })
    })

    it("admits exactly two IAM roles: the rules engine (PUT into daily indexes) and the operators", () => {
      const domain = onlyPropertiesOf(get(), "AWS::OpenSearchService::Domain")
      const statements = domain.AccessPolicies.Statement as Array<Record<string, any>>
      expect(statements).toHaveLength(2)
      expect(statements.map((s) => s.Principal.AWS["Fn::GetAtt"][0])).toEqual([
        expect.stringMatching(/^SearchIngestRole/),
        expect.stringMatching(/^SearchOperatorRole/),
      ])
      expect(statements[0]!.Action).toBe("es:ESHttpPut")
      expect(JSON.stringify(statements[0]!.Resource)).toContain(":domain/sluice-search/telemetry-*")
      for (const s of statements) expect(s.Principal).not.toEqual("*")
    })
  })

  describe("buckets", () => {
    it("block public access, encrypt, require TLS and log access, every one of them", () => {
      const buckets = resourcesOf(get(), "AWS::S3::Bucket")
      expect(buckets).toHaveLength(3)
      for (const [id, bucket] of buckets) {
        expect(bucket.Properties).toMatchObject({
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } },
            ],
          },
        })
        const policy = resourcesOf(get(), "AWS::S3::BucketPolicy").find(
          ([, p]) => (p.Properties?.Bucket as { Ref?: string })?.Ref === id,
        )
        expect(JSON.stringify(policy?.[1].Properties)).toContain('"aws:SecureTransport":"false"')
        if (!id.startsWith("AccessLogs")) expect(bucket.Properties?.LoggingConfiguration).toBeDefined()
      }
    })
  })

  describe("alarms", () => {
    it("watch iterator age, the on-failure queue, poison readings and Firehose delivery and transformation failures", () => {
      get().template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        MetricName: "IteratorAge",
        Namespace: "AWS/Lambda",
        Statistic: "Maximum",
        Threshold: 60_000,
        ComparisonOperator: "GreaterThanThreshold",
      })
      get().template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        MetricName: "ApproximateNumberOfMessagesVisible",
        Namespace: "AWS/SQS",
        Dimensions: [
          {
            Name: "QueueName",
            Value: { "Fn::GetAtt": [Match.stringLikeRegexp("^ConsumerOnFailure"), "QueueName"] },
          },
        ],
        Threshold: 1,
      })
      for (const metric of ["DeliveryToS3.Success", "ExecuteProcessing.Success"])
        get().template.hasResourceProperties("AWS::CloudWatch::Alarm", {
          MetricName: metric,
          Namespace: "AWS/Firehose",
          Dimensions: [{ Name: "DeliveryStreamName", Value: "sluice-telemetry-lake" }],
          ComparisonOperator: "LessThanThreshold",
          Threshold: 1,
        })
      get().template.resourceCountIs("AWS::CloudWatch::Alarm", 5)
    })

    it("count the readings the consumer dead-lettered, from its log group, and alarm on any in 5 minutes", () => {
      get().template.hasResourceProperties("AWS::Logs::MetricFilter", {
        LogGroupName: { Ref: Match.stringLikeRegexp("^ConsumerHandlerLogs") },
        FilterPattern: '{ ($.type = "sluice.batch") && ($.summary.deadLettered > 0) }',
        MetricTransformations: [
          {
            MetricNamespace: "Sluice",
            MetricName: "sluice-dead-lettered-readings",
            MetricValue: "$.summary.deadLettered",
            Unit: "Count",
          },
        ],
      })
      get().template.resourceCountIs("AWS::Logs::MetricFilter", 1)
      get().template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        Namespace: "Sluice",
        MetricName: "sluice-dead-lettered-readings",
        Statistic: "Sum",
        Period: 300,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        TreatMissingData: "notBreaching",
      })
      // The summary line the filter reads is on in the deployed consumer.
      get().template.hasResourceProperties("AWS::Lambda::Function", {
        Environment: { Variables: Match.objectLike({ BATCH_SUMMARY_LOG: "problems" }) },
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp("^ConsumerHandlerLogs") } },
      })
    })
  })
}
