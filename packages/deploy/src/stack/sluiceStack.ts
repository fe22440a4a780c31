/**
 * The whole hands-on pipeline on AWS, as one stack:
 *
 *     device ─MQTT─▶ IoT Core ─ rules (rules/hands-on.rules.json) ─┬─▶ Kinesis ─▶ consumer λ ─▶ DynamoDB
 *                                                                  ├─▶ Firehose ─ transform λ ─▶ S3 lake ◀─ Glue/Athena
 *                                                                  └─▶ OpenSearch ◀─ Dashboards
 *
 * Every part is a construct of its own (src/constructs); this file wires them and names the
 * outputs people need after `cdk deploy`. The Lambda code is the adapters-aws entry modules —
 * the same the local stack runs — bundled by the workspace's esbuild at synth. Data stores
 * follow `removalPolicy` (retain by default). Nothing here looks anything up in an account, so
 * the stack synthesizes offline; cdk-nag's AwsSolutions checks run over it (src/nag).
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib"
import * as iam from "aws-cdk-lib/aws-iam"
import type * as logs from "aws-cdk-lib/aws-logs"
import type * as s3 from "aws-cdk-lib/aws-s3"
import type { Construct } from "constructs"
import type { DeployConfig } from "../config/deployConfig.ts"
import { DeviceFleet } from "../constructs/deviceFleet.ts"
import { LakeCatalog } from "../constructs/lakeCatalog.ts"
import { LakeDelivery } from "../constructs/lakeDelivery.ts"
import { PipelineAlarms } from "../constructs/pipelineAlarms.ts"
import { SearchDomain } from "../constructs/searchDomain.ts"
import { secureBucket } from "../constructs/secureBucket.ts"
import { StreamConsumer } from "../constructs/streamConsumer.ts"
import { TelemetryStream } from "../constructs/telemetryStream.ts"
import { TelemetryTables } from "../constructs/telemetryTables.ts"
import { TopicRules } from "../constructs/topicRules.ts"
import { fromRepoRoot, HANDLER_ENTRIES, type HandlerName } from "../paths.ts"
import { type RulesFile, readRulesFile } from "../rules/rulesFile.ts"
import { consumerEnvironment, transformEnvironment } from "./handlerEnvironment.ts"
import { resourceNames } from "./resourceNames.ts"

const FEATURE_FLAGS = { "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": true } as const

export interface SluiceStackProps extends StackProps {
  readonly config: DeployConfig
  /** The rules to deploy; default: the config's rules file. */
  readonly rules?: RulesFile
  /** Entry modules to bundle instead of adapters-aws's (custom handlers); default `HANDLER_ENTRIES`. */
  readonly handlerEntries?: Partial<Record<HandlerName, string>>
}

export class SluiceStack extends Stack {
  readonly stream: TelemetryStream
  readonly tables: TelemetryTables
  readonly consumer: StreamConsumer
  readonly lake: LakeDelivery
  readonly catalog: LakeCatalog
  readonly search: SearchDomain
  readonly fleet: DeviceFleet
  readonly topicRules: TopicRules
  readonly alarms: PipelineAlarms
  readonly config: DeployConfig
  readonly buckets: {
    readonly accessLogs: s3.Bucket
    readonly lake: s3.Bucket
    readonly queryResults: s3.Bucket
  }

  constructor(scope: Construct, id: string, props: SluiceStackProps) {
    super(scope, id, props)
    // Feature flags the stack relies on, set here so `cdk synth`, tests and other apps agree
    // (cdk.json only reaches apps run by the CLI). S3 server access logs are delivered under
    // a bucket policy, not ACLs, which ACL-less (bucket-owner-enforced) buckets require.
    for (const [flag, value] of Object.entries(FEATURE_FLAGS)) this.node.setContext(flag, value)
    const { config } = props
    this.config = config
    const names = resourceNames(config.namePrefix)
    const removalPolicy = config.removalPolicy === "destroy" ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN
    const logRetention = config.logRetentionDays as logs.RetentionDays
    const rules = props.rules ?? readRulesFile(fromRepoRoot(config.rulesFile))

    const accessLogs = secureBucket(this, "AccessLogs", {
      removalPolicy,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    })
    const lakeBucket = secureBucket(this, "Lake", {
      removalPolicy,
      accessLogs: { bucket: accessLogs, prefix: "lake/" },
      lifecycleRules: [{ prefix: "errors/", expiration: Duration.days(config.lake.errorRetentionDays) }],
    })
    const queryResults = secureBucket(this, "QueryResults", {
      removalPolicy,
      accessLogs: { bucket: accessLogs, prefix: "query-results/" },
      lifecycleRules: [{ expiration: Duration.days(config.lake.queryResultRetentionDays) }],
    })
    this.buckets = { accessLogs, lake: lakeBucket, queryResults }

    this.stream = new TelemetryStream(this, "Telemetry", {
      streamName: names.stream,
      retentionHours: config.stream.retentionHours,
      ...(config.stream.shardCount === undefined ? {} : { shardCount: config.stream.shardCount }),
      removalPolicy,
    })
    this.tables = new TelemetryTables(this, "Tables", {
      namePrefix: config.namePrefix,
      ttlAttribute: config.table.ttlAttribute,
      removalPolicy,
    })

    const { readings, latestState, deadLetters } = this.tables
    this.consumer = new StreamConsumer(this, "Consumer", {
      stream: this.stream.stream,
      entry: props.handlerEntries?.kinesisConsumer ?? HANDLER_ENTRIES.kinesisConsumer,
      config: config.consumer,
      queueName: names.onFailureQueue,
      environment: consumerEnvironment({
        readingsTable: readings.tableName,
        stateTable: latestState.tableName,
        deadLetterTable: deadLetters.tableName,
        streamName: names.stream,
        table: config.table,
      }),
      statements: [
        // Readings: batched upserts (and single puts); never reads, never deletes.
        new iam.PolicyStatement({
          actions: ["dynamodb:BatchWriteItem", "dynamodb:PutItem"],
          resources: [readings.tableArn],
        }),
        // Latest state: the conditional put, and the read-back when a store omits ALL_OLD.
        new iam.PolicyStatement({
          actions: ["dynamodb:PutItem", "dynamodb:GetItem"],
          resources: [latestState.tableArn],
        }),
        new iam.PolicyStatement({ actions: ["dynamodb:BatchWriteItem"], resources: [deadLetters.tableArn] }),
      ],
      logRetention,
      removalPolicy,
    })

    this.lake = new LakeDelivery(this, "LakeDelivery", {
      deliveryStreamName: names.deliveryStream,
      bucket: lakeBucket,
      entry: props.handlerEntries?.firehoseTransform ?? HANDLER_ENTRIES.firehoseTransform,
      config: config.lake,
      transformEnvironment: transformEnvironment(config.lake),
      logRetention,
      removalPolicy,
    })
    this.catalog = new LakeCatalog(this, "LakeCatalog", {
      databaseName: names.lakeDatabase,
      tableName: names.lakeTable,
      workGroupName: names.workGroup,
      lakeBucket,
      resultsBucket: queryResults,
      bytesScannedCutoffPerQuery: config.lake.bytesScannedCutoffPerQuery,
    })

    this.search = new SearchDomain(this, "Search", {
      domainName: names.searchDomain,
      config: config.search,
      logRetention,
      removalPolicy,
    })

    this.fleet = new DeviceFleet(this, "Devices", {
      thingTypeName: config.thingTypeName,
      policyName: names.devicePolicy,
    })
    this.topicRules = new TopicRules(this, "Rules", {
      rules,
      stream: this.stream.stream,
      deliveryStreamName: names.deliveryStream,
      deliveryStreamArn: this.lake.deliveryStreamArn,
      searchEndpoint: this.search.endpoint,
      searchIndexPrefix: config.search.indexPrefix,
      searchRole: this.search.ingestRole,
      logRetention,
      removalPolicy,
    })

    this.alarms = new PipelineAlarms(this, "Alarms", {
      consumer: this.consumer.handler.function,
      consumerLogGroup: this.consumer.handler.logGroup,
      deadLetteredMetricName: names.deadLetteredMetric,
      onFailureQueue: this.consumer.onFailure,
      deliveryStreamName: names.deliveryStream,
      config: config.alarms,
    })

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description })
    output("StreamName", this.stream.stream.streamName, "Kinesis stream the rules engine writes to")
    output("ReadingsTable", readings.tableName, "DynamoDB table of readings (deviceId, ts)")
    output("LatestStateTable", latestState.tableName, "DynamoDB table of each device's latest state")
    output("DeadLettersTable", deadLetters.tableName, "DynamoDB table of poison records and their reasons")
    output("OnFailureQueue", this.consumer.onFailure.queueUrl, "SQS queue of batches the consumer gave up on")
    output("LakeBucket", lakeBucket.bucketName, "S3 bucket of the data lake")
    output("AthenaWorkGroup", names.workGroup, "Athena workgroup over the lake")
    output("LakeTable", `${names.lakeDatabase}.${names.lakeTable}`, "Glue table of the lake")
    output("SearchEndpoint", `https://${this.search.endpoint}`, "OpenSearch domain endpoint")
    output("DashboardsUrl", `https://${this.search.endpoint}/_dashboards/`, "OpenSearch Dashboards")
    output("SearchOperatorRoleArn", this.search.operatorRole.roleArn, "Role for Dashboards and search admin")
    output("DevicePolicyName", names.devicePolicy, "IoT policy to attach to each device certificate")
    output("ThingTypeName", config.thingTypeName, "IoT thing type of the devices")
  }
}
