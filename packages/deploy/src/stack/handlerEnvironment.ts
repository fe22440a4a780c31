/**
 * The environment variables of the two Lambda entry modules, from the stack's resources and
 * config — named as adapters-aws reads them (packages/adapters-aws/src/lambda/environment.ts
 * for the consumer, firehoseTransform.ts for the transform), so the stack tests catch a rename
 * before a deployed function fails its init.
 */
import type { DeployConfig } from "../config/deployConfig.ts"

const DAY_SECONDS = 86_400

export interface ConsumerEnvironmentInput {
  readonly readingsTable: string
  readonly stateTable: string
  readonly deadLetterTable: string
  readonly streamName: string
  readonly table: DeployConfig["table"]
}

export const consumerEnvironment = (input: ConsumerEnvironmentInput): Record<string, string> => ({
  TABLE_NAME: input.readingsTable,
  STATE_TABLE_NAME: input.stateTable,
  DEAD_LETTER_TABLE_NAME: input.deadLetterTable,
  TTL_ATTRIBUTE: input.table.ttlAttribute,
  ...(input.table.readingsTtlDays > 0
    ? { READING_TTL_SECONDS: String(input.table.readingsTtlDays * DAY_SECONDS) }
    : {}),
  ...(input.table.deadLetterTtlDays > 0
    ? { DEAD_LETTER_TTL_SECONDS: String(input.table.deadLetterTtlDays * DAY_SECONDS) }
    : {}),
  STREAM_NAME: input.streamName,
  CONSUMER_MODE: "ordered",
  BATCH_SUMMARY_LOG: "problems",
})

/**
 * The transform (packages/adapters-aws/src/lambda/firehoseTransform.ts) needs no configuration:
 * the lake layout is core's default. It logs one line per invocation with failures or drops.
 */
export const transformEnvironment = (lake: DeployConfig["lake"]): Record<string, string> => ({
  SLUICE_FIREHOSE_LOG: "problems",
  ...(lake.devicePattern === undefined ? {} : { SLUICE_FIREHOSE_DEVICE_PATTERN: lake.devicePattern }),
})
