/**
 * The settings of a Lambda event source mapping for Kinesis, with AWS's defaults and ranges
 * (Lambda API reference, CreateEventSourceMapping; "Lambda parameters for Kinesis Data Streams
 * event source mappings"). Out-of-range values are refused, as AWS refuses them, so a mapping
 * tried locally behaves the same once deployed.
 *
 * One deliberate difference: `reportBatchItemFailures` (FunctionResponseTypes:
 * ["ReportBatchItemFailures"]) defaults to true here, because Sluice's consumer always answers
 * with a partial batch response and its stack always enables it. On AWS the default is off.
 */

/** BatchSize: 1 to 10,000 records, default 100. */
export const BATCH_SIZE_DEFAULT = 100
export const BATCH_SIZE_MAX = 10_000
/** MaximumBatchingWindowInSeconds: 0 to 300, default 0. */
export const BATCHING_WINDOW_MAX_SECONDS = 300
/** MaximumRetryAttempts: -1 (infinite, the default) to 10,000. */
export const RETRY_ATTEMPTS_MAX = 10_000
/** MaximumRecordAgeInSeconds: -1 (infinite, the default) or 60 to 604,800 (7 days). */
export const RECORD_AGE_MIN_SECONDS = 60
export const RECORD_AGE_MAX_SECONDS = 604_800
/** TumblingWindowInSeconds: 0 (no windows, the default) to 900 (eventSourceMappingWindows.ts). */
export const TUMBLING_WINDOW_MAX_SECONDS = 900
/** A synchronous Lambda invocation's request payload is at most 6 MB (Lambda quotas). */
export const INVOCATION_PAYLOAD_MAX_BYTES = 6 * 1024 * 1024

export interface EventSourceMappingConfig {
  readonly batchSize: number
  readonly maximumBatchingWindowInSeconds: number
  /** -1: retry until the records expire. */
  readonly maximumRetryAttempts: number
  /** -1: never discard by age. */
  readonly maximumRecordAgeInSeconds: number
  readonly bisectBatchOnFunctionError: boolean
  readonly reportBatchItemFailures: boolean
  /** Largest event, as JSON bytes. */
  readonly maximumPayloadBytes: number
  /** 0: no tumbling windows. */
  readonly tumblingWindowInSeconds: number
}

export const defaultMappingConfig: EventSourceMappingConfig = {
  batchSize: BATCH_SIZE_DEFAULT,
  maximumBatchingWindowInSeconds: 0,
  maximumRetryAttempts: -1,
  maximumRecordAgeInSeconds: -1,
  bisectBatchOnFunctionError: false,
  reportBatchItemFailures: true,
  maximumPayloadBytes: INVOCATION_PAYLOAD_MAX_BYTES,
  tumblingWindowInSeconds: 0,
}

const isIntIn = (value: number, min: number, max: number) =>
  Number.isInteger(value) && value >= min && value <= max

/** Everything wrong with a configuration, in words; empty when it is valid. */
export const mappingConfigProblems = (config: EventSourceMappingConfig): ReadonlyArray<string> => {
  const problems: string[] = []
  if (!isIntIn(config.batchSize, 1, BATCH_SIZE_MAX))
    problems.push(`BatchSize must be an integer from 1 to ${BATCH_SIZE_MAX}, not ${config.batchSize}`)
  if (!isIntIn(config.maximumBatchingWindowInSeconds, 0, BATCHING_WINDOW_MAX_SECONDS))
    problems.push(
      `MaximumBatchingWindowInSeconds must be an integer from 0 to ${BATCHING_WINDOW_MAX_SECONDS}, not ${config.maximumBatchingWindowInSeconds}`,
    )
  if (!isIntIn(config.maximumRetryAttempts, -1, RETRY_ATTEMPTS_MAX))
    problems.push(
      `MaximumRetryAttempts must be an integer from -1 to ${RETRY_ATTEMPTS_MAX}, not ${config.maximumRetryAttempts}`,
    )
  const age = config.maximumRecordAgeInSeconds
  if (age !== -1 && !isIntIn(age, RECORD_AGE_MIN_SECONDS, RECORD_AGE_MAX_SECONDS))
    problems.push(
      `MaximumRecordAgeInSeconds must be -1 or an integer from ${RECORD_AGE_MIN_SECONDS} to ${RECORD_AGE_MAX_SECONDS}, not ${age}`,
    )
  if (!isIntIn(config.tumblingWindowInSeconds, 0, TUMBLING_WINDOW_MAX_SECONDS))
    problems.push(
      `TumblingWindowInSeconds must be an integer from 0 to ${TUMBLING_WINDOW_MAX_SECONDS}, not ${config.tumblingWindowInSeconds}`,
    )
  if (!isIntIn(config.maximumPayloadBytes, 1, INVOCATION_PAYLOAD_MAX_BYTES))
    problems.push(`the payload limit must be from 1 to ${INVOCATION_PAYLOAD_MAX_BYTES} bytes`)
  return problems
}

/** The defaults overridden by `options`; throws, listing every problem, when out of range. */
export const mappingConfigOf = (
  options: Partial<EventSourceMappingConfig> = {},
): EventSourceMappingConfig => {
  const config = { ...defaultMappingConfig, ...options }
  const problems = mappingConfigProblems(config)
  if (problems.length > 0) throw new RangeError(`invalid event source mapping: ${problems.join("; ")}`)
  return config
}
