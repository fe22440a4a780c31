/**
 * The Lambda entry's configuration, read from environment variables — all of them checked at
 * once, so a misconfigured function fails its init with every problem named, before any batch.
 *
 * | variable                   | meaning                                                      |
 * | -------------------------- | ------------------------------------------------------------ |
 * | TABLE_NAME                 | readings table (`deviceId` HASH, `ts` RANGE) — required       |
 * | STATE_TABLE_NAME           | latest-state table (`deviceId` HASH) — required               |
 * | DEAD_LETTER_TABLE_NAME     | dead letters table (`id` HASH); unset: JSON lines on stderr   |
 * | TTL_ATTRIBUTE              | TTL attribute of readings and dead letters (`expiresAt`)      |
 * | READING_TTL_SECONDS        | expire readings this long after writing; unset: never         |
 * | DEAD_LETTER_TTL_SECONDS    | expire dead letters likewise; unset: never                    |
 * | CONSUMER_MODE              | `ordered` (default) or `parallel`                             |
 * | WRITE_CONCURRENCY          | table batch writes in flight (4)                              |
 * | CHUNK_SIZE                 | user records per unit of work (1000)                          |
 * | DEADLINE_MARGIN_MS         | stop taking work this long before the Lambda deadline (1000)  |
 * | RETRY_MAX_ATTEMPTS …       | RETRY_BASE_DELAY_MS, RETRY_MAX_DELAY_MS, RETRY_MAX_ELAPSED_MS |
 * | STREAM_NAME                | stream name in dead letters; default from the event's ARN     |
 * | BATCH_SUMMARY_LOG          | `problems` (default: batches with dead letters or retries), `all`, `off` |
 *
 * The AWS SDK reads its own variables as usual (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB for a
 * local DynamoDB, AWS_MAX_ATTEMPTS).
 */
import {
  type ConsumerMode,
  defaultRetryPolicy,
  type KinesisConsumerSettings,
  type RetryPolicy,
} from "@sluice/core"
import type { TimeToLive } from "../dynamodb/dynamoTable.ts"

export type SummaryLog = "problems" | "all" | "off"

export interface EntryConfig {
  readonly tableName: string
  readonly stateTableName: string
  readonly deadLetterTableName: string | undefined
  readonly readingTtl: TimeToLive | undefined
  readonly deadLetterTtl: TimeToLive | undefined
  readonly settings: KinesisConsumerSettings
  readonly summaryLog: SummaryLog
}

export type Environment = Readonly<Record<string, string | undefined>>

export class InvalidEnvironment extends Error {
  override readonly name = "InvalidEnvironment"
}

export const readEnvironment = (env: Environment): EntryConfig => {
  const problems: string[] = []
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim()
    return value === undefined || value === "" ? undefined : value
  }
  const required = (name: string, what: string): string => {
    const value = text(name)
    if (value === undefined) problems.push(`${name} is required: ${what}`)
    return value ?? ""
  }
  const integer = (name: string, min: number): number | undefined => {
    const value = text(name)
    if (value === undefined) return undefined
    const n = Number(value)
    if (!Number.isInteger(n) || n < min) {
      problems.push(`${name} must be an integer ≥ ${min}, got "${value}"`)
      return undefined
    }
    return n
  }
  const oneOf = <T extends string>(name: string, allowed: ReadonlyArray<T>, fallback: T): T => {
    const value = text(name)
    if (value === undefined) return fallback
    if ((allowed as ReadonlyArray<string>).includes(value)) return value as T
    problems.push(`${name} must be one of ${allowed.join(", ")}, got "${value}"`)
    return fallback
  }

  const tableName = required("TABLE_NAME", "the readings table (deviceId HASH, ts RANGE)")
  const stateTableName = required("STATE_TABLE_NAME", "the latest-state table (deviceId HASH)")
  const ttlAttribute = text("TTL_ATTRIBUTE") ?? "expiresAt"
  const ttlOf = (name: string): TimeToLive | undefined => {
    const seconds = integer(name, 1)
    return seconds === undefined ? undefined : { attribute: ttlAttribute, seconds }
  }
  const readingTtl = ttlOf("READING_TTL_SECONDS")
  const deadLetterTtl = ttlOf("DEAD_LETTER_TTL_SECONDS")
  const mode: ConsumerMode = oneOf("CONSUMER_MODE", ["ordered", "parallel"], "ordered")
  const concurrency = integer("WRITE_CONCURRENCY", 1)
  const chunkSize = integer("CHUNK_SIZE", 1)
  const deadlineMarginMs = integer("DEADLINE_MARGIN_MS", 0)
  const retry: RetryPolicy = {
    maxAttempts: integer("RETRY_MAX_ATTEMPTS", 1) ?? defaultRetryPolicy.maxAttempts,
    baseDelayMs: integer("RETRY_BASE_DELAY_MS", 0) ?? defaultRetryPolicy.baseDelayMs,
    maxDelayMs: integer("RETRY_MAX_DELAY_MS", 0) ?? defaultRetryPolicy.maxDelayMs,
    maxElapsedMs: integer("RETRY_MAX_ELAPSED_MS", 0) ?? defaultRetryPolicy.maxElapsedMs,
  }
  const streamName = text("STREAM_NAME")
  const summaryLog = oneOf<SummaryLog>("BATCH_SUMMARY_LOG", ["problems", "all", "off"], "problems")
  if (problems.length > 0)
    throw new InvalidEnvironment(`the Kinesis consumer's environment is invalid:\n- ${problems.join("\n- ")}`)

  const settings: KinesisConsumerSettings = {
    mode,
    retry,
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(chunkSize === undefined ? {} : { chunkSize }),
    ...(deadlineMarginMs === undefined ? {} : { deadlineMarginMs }),
    ...(streamName === undefined ? {} : { streamName }),
  }
  return {
    tableName,
    stateTableName,
    deadLetterTableName: text("DEAD_LETTER_TABLE_NAME"),
    readingTtl,
    deadLetterTtl,
    settings,
    summaryLog,
  }
}
