/**
 * The deployment's parameters — names, sizes, retention, thresholds — as one typed config.
 *
 * Every field has a safe default, so `{}` is a complete config: a small, encrypted, single-node
 * stack that keeps its data when the stack is deleted (`removalPolicy: "retain"`). Values come
 * from a JSON file (`SLUICE_DEPLOY_CONFIG=path`, or `-c sluiceConfig=path` with the CDK CLI)
 * and are decoded with Effect Schema, which checks each number against the service's own
 * range (sources beside them) and reports every problem at once, with its path. Nothing here
 * needs an AWS account: the stack is environment-agnostic unless `account`/`region` are set.
 */
import { Effect, Schema } from "effect"

const withDefault = <S extends Schema.Top>(schema: S, value: S["Encoded"]) =>
  schema.pipe(Schema.withDecodingDefaultKey(Effect.succeed(value)))

const intBetween = (minimum: number, maximum: number) =>
  Schema.Int.check(Schema.isBetween({ minimum, maximum }))

/** Lowercase letters, digits and hyphens: valid in every resource name we derive from it. */
const NamePrefix = Schema.String.check(
  Schema.makeFilter(
    (s: string) => /^[a-z][a-z0-9-]{0,11}$/.test(s) || "expected 1–12 of a-z 0-9 - starting with a letter",
  ),
)

/** CloudWatch Logs accepts only these retention periods (PutRetentionPolicy). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const

const StreamConfig = Schema.Struct({
  /**
   * Provisioned shards instead of on-demand capacity (1–500, a default Kinesis account quota).
   * One shard (1,000 records/s in) costs about a third of an idle on-demand stream; see the README.
   */
  shardCount: Schema.optionalKey(intBetween(1, 500)),
  /** Kinesis retention: 24 h (included in the price) up to 8,760 h (Kinesis quotas). */
  retentionHours: withDefault(intBetween(24, 8760), 24),
})

const ConsumerConfig = Schema.Struct({
  memoryMb: withDefault(intBetween(128, 10240), 256),
  timeoutSeconds: withDefault(intBetween(3, 900), 60),
  /** Event source mapping: 1–10,000 records per batch (Lambda ESM reference). */
  batchSize: withDefault(intBetween(1, 10_000), 100),
  /** 0–300 s (Lambda ESM reference). */
  maxBatchingWindowSeconds: withDefault(intBetween(0, 300), 1),
  /** Bounded, never -1 (infinite): 0–10,000 (Lambda ESM reference). */
  retryAttempts: withDefault(intBetween(0, 10_000), 10),
  /** 60–604,800 s; never -1 (infinite) — a stuck record must age out to the DLQ. */
  maxRecordAgeSeconds: withDefault(intBetween(60, 604_800), 86_400),
  /** 1–10 concurrent batches per shard; order is kept per partition key (device). */
  parallelizationFactor: withDefault(intBetween(1, 10), 1),
  /** How long dead letters stay in the on-failure queue: 60 s–14 days (SQS quotas). */
  deadLetterRetentionDays: withDefault(intBetween(1, 14), 14),
})

const TableConfig = Schema.Struct({
  /** Epoch-seconds attribute DynamoDB TTL expires items by. */
  ttlAttribute: withDefault(Schema.NonEmptyString, "expiresAt"),
  /** Days a reading is kept; 0 keeps readings forever (no expiry written). */
  readingsTtlDays: withDefault(intBetween(0, 3650), 30),
  /** Days a dead letter is kept; 0 keeps them forever. */
  deadLetterTtlDays: withDefault(intBetween(0, 3650), 90),
})

const LakeConfig = Schema.Struct({
  /** Firehose buffering with dynamic partitioning: 64–128 MiB (Firehose developer guide). */
  bufferSizeMiB: withDefault(intBetween(64, 128), 64),
  /** 0–900 s (Firehose buffering hints); the hands-on used 60 s. */
  bufferIntervalSeconds: withDefault(intBetween(0, 900), 60),
  /** Transformation Lambda buffering: 0.2–3 MiB per invocation (Firehose processor parameters). */
  transformBufferSizeMiB: withDefault(Schema.Finite.check(Schema.isBetween({ minimum: 0.2, maximum: 3 })), 1),
  transformBufferIntervalSeconds: withDefault(intBetween(60, 900), 60),
  transformMemoryMb: withDefault(intBetween(128, 10240), 256),
  /** Keep only devices whose name matches this regular expression in the lake (others Dropped). */
  devicePattern: Schema.optionalKey(Schema.NonEmptyString),
  /** Days error objects (failed deliveries, rule errors) are kept before expiring. */
  errorRetentionDays: withDefault(intBetween(1, 3650), 30),
  /** Days Athena query results are kept. */
  queryResultRetentionDays: withDefault(intBetween(1, 365), 7),
  /** Athena stops a query after scanning this many bytes (≥ 10 MB, Athena workgroups). */
  bytesScannedCutoffPerQuery: withDefault(
    Schema.Int.check(Schema.isGreaterThanOrEqualTo(10_000_000)),
    1_000_000_000,
  ),
})

const SearchConfig = Schema.Struct({
  /** Enough for the hands-on; t3.small.search is in the AWS free tier (750 h/month, 12 months). */
  instanceType: withDefault(Schema.String.check(Schema.isEndingWith(".search")), "t3.small.search"),
  instanceCount: withDefault(intBetween(1, 80), 1),
  /** gp3 EBS volume per node; 10 GiB is the gp3 minimum for OpenSearch. */
  volumeGiB: withDefault(intBetween(10, 16_384), 10),
  engineVersion: withDefault(Schema.String.check(Schema.isPattern(/^\d+\.\d+$/)), "2.19"),
  indexPrefix: withDefault(NamePrefix, "telemetry"),
})

const AlarmConfig = Schema.Struct({
  /** Consumer iterator age that means it is falling behind, milliseconds. */
  iteratorAgeMs: withDefault(intBetween(1_000, 604_800_000), 60_000),
  /** Messages in the on-failure queue that raise the alarm. */
  deadLetterDepth: withDefault(intBetween(1, 1_000_000), 1),
  /** An existing SNS topic to notify; alarms have no action when absent. */
  topicArn: Schema.optionalKey(Schema.String.check(Schema.isStartingWith("arn:"))),
})

const DeployConfigFields = Schema.Struct({
  stackName: withDefault(Schema.String.check(Schema.isPattern(/^[A-Za-z][A-Za-z0-9-]{0,127}$/)), "Sluice"),
  /** Prefix of resource names (stream, delivery stream, table, domain, queue). */
  namePrefix: withDefault(NamePrefix, "sluice"),
  account: Schema.optionalKey(Schema.String.check(Schema.isPattern(/^\d{12}$/))),
  region: Schema.optionalKey(Schema.String.check(Schema.isPattern(/^[a-z]{2}(-[a-z]+)+-\d$/))),
  /** The rules file `sluice up` uses, relative to the repository root. */
  rulesFile: withDefault(Schema.NonEmptyString, "rules/hands-on.rules.json"),
  /** The IoT thing type the devices are registered under. */
  thingTypeName: withDefault(
    Schema.String.check(Schema.isPattern(/^[a-zA-Z0-9:_-]{1,128}$/)),
    "SluiceSensor",
  ),
  /** Retain (safe) or destroy data stores when the stack is deleted. */
  removalPolicy: withDefault(Schema.Literals(["retain", "destroy"]), "retain"),
  logRetentionDays: withDefault(Schema.Literals(LOG_RETENTION_DAYS), 30),
  stream: withDefault(StreamConfig, {}),
  consumer: withDefault(ConsumerConfig, {}),
  table: withDefault(TableConfig, {}),
  lake: withDefault(LakeConfig, {}),
  search: withDefault(SearchConfig, {}),
  alarms: withDefault(AlarmConfig, {}),
})

/** The fields, plus the rules that relate two of them. */
export const DeployConfig = DeployConfigFields.check(
  Schema.makeFilter(
    (c: typeof DeployConfigFields.Type) =>
      c.consumer.maxRecordAgeSeconds <= c.stream.retentionHours * 3600 ||
      `consumer.maxRecordAgeSeconds (${c.consumer.maxRecordAgeSeconds}) must not exceed the stream's retention ` +
        `(${c.stream.retentionHours} h): a retried batch would be trimmed before its last retry`,
  ),
)

export type DeployConfig = typeof DeployConfig.Type
export type DeployConfigInput = typeof DeployConfig.Encoded

/** Decodes a config, applying defaults; throws one error listing every problem with its path. */
export const decodeDeployConfig = (input: unknown = {}): DeployConfig =>
  Schema.decodeUnknownSync(DeployConfig, { errors: "all" })(input)

/** The default config. */
export const defaultDeployConfig = (): DeployConfig => decodeDeployConfig({})
