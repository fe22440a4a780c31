/**
 * The Lambda entry module of the Kinesis consumer: `export const handler`, configured from
 * environment variables (environment.ts), built once per container.
 *
 * The stack bundles exactly this file (`esbuild --bundle --platform=node --target=node22
 * --format=esm`), AWS SDK included (docs/decisions/0501). At module load — Lambda's init phase, once per container — it reads the
 * environment, creates one DynamoDB client and the adapters over it, and builds core's
 * `kinesisConsumer`; every invocation then only runs the batch. A bad environment fails the
 * init with every problem named. Readings go to TABLE_NAME, latest-state records to
 * STATE_TABLE_NAME (docs/decisions/0500), poison records to DEAD_LETTER_TABLE_NAME or, unset,
 * to stderr as JSON lines that CloudWatch Logs keeps.
 *
 * The SDK client makes one attempt per call unless AWS_MAX_ATTEMPTS says otherwise: the
 * consumer's own retry policy (full jitter, bounded, deadline-aware) is the one that retries,
 * instead of two policies multiplying. `makeHandler` builds the same handler from any
 * environment and client, for tests and for functions that configure themselves in code.
 */
// First: CommonJS code in the ESM bundle needs `require` for Node's built-ins (see the file).
import "./esmRequire.ts"
import { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { type KinesisBatchSummary, type KinesisHandler, kinesisConsumer } from "@sluice/core"
import type { DynamoApi } from "../dynamodb/dynamoApi.ts"
import { dynamoDeadLetters } from "../dynamodb/dynamoDeadLetters.ts"
import { dynamoTable } from "../dynamodb/dynamoTable.ts"
import { type Environment, readEnvironment, type SummaryLog } from "./environment.ts"

const summaryLogger = (mode: SummaryLog) => (summary: KinesisBatchSummary) => {
  if (mode === "off") return
  const problems = summary.deadLettered > 0 || summary.retry > 0 || summary.deadlineReached
  if (mode === "all" || problems)
    process.stdout.write(
      `${JSON.stringify({ level: problems ? "WARN" : "INFO", type: "sluice.batch", summary })}\n`,
    )
}

/** The consumer handler for an environment, over a DynamoDB client (default: a new one). */
export const makeHandler = (env: Environment, client?: DynamoApi): KinesisHandler => {
  const config = readEnvironment(env)
  const dynamo = client ?? new DynamoDBClient(env.AWS_MAX_ATTEMPTS === undefined ? { maxAttempts: 1 } : {})
  const table = dynamoTable({
    client: dynamo,
    tableName: config.tableName,
    latestTableName: config.stateTableName,
    ...(config.readingTtl === undefined ? {} : { ttl: config.readingTtl }),
  })
  const deadLetters =
    config.deadLetterTableName === undefined
      ? undefined
      : dynamoDeadLetters({
          client: dynamo,
          tableName: config.deadLetterTableName,
          ...(config.deadLetterTtl === undefined ? {} : { ttl: config.deadLetterTtl }),
        })
  return kinesisConsumer({
    ...config.settings,
    table,
    ...(deadLetters === undefined ? {} : { deadLetters }),
    onBatch: summaryLogger(config.summaryLog),
  })
}

export const handler: KinesisHandler = makeHandler(process.env)
