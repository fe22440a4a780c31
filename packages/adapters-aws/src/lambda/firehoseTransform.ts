/**
 * The Lambda entry module of the Firehose data transformation: `export const handler`,
 * configured from environment variables when the container starts.
 *
 * | variable                            | meaning                                                     |
 * | ----------------------------------- | ----------------------------------------------------------- |
 * | SLUICE_FIREHOSE_DEVICE_PATTERN      | keep only devices whose name matches this regular expression; others are `Dropped` |
 * | SLUICE_FIREHOSE_MAX_RESPONSE_BYTES  | response budget (default Lambda's 6 MiB); lower only to leave room for something else |
 * | SLUICE_FIREHOSE_LOG                 | `problems` (default): one JSON line per invocation with failures or drops; `off` |
 *
 * The handler is core's `firehoseTransform` (see its file for the contract): no AWS SDK, no
 * I/O, so the bundle is small and the cold start short. A bad environment fails the init,
 * naming every problem, before any record is answered. `makeHandler` builds the same handler
 * from any environment, for tests. Bundle with
 * `esbuild firehoseTransform.ts --bundle --platform=node --target=node22 --format=esm`.
 */
import { type FirehoseTransformOptions, firehoseTransform, LAMBDA_MAX_RESPONSE_BYTES } from "@sluice/core"

export type FirehoseEnvironment = Readonly<Record<string, string | undefined>>

export class InvalidFirehoseEnvironment extends Error {
  override readonly name = "InvalidFirehoseEnvironment"
}

export const readFirehoseEnvironment = (env: FirehoseEnvironment): FirehoseTransformOptions => {
  const problems: string[] = []
  const text = (name: string) => {
    const value = env[name]?.trim()
    return value === undefined || value === "" ? undefined : value
  }
  let filter: FirehoseTransformOptions["filter"]
  const pattern = text("SLUICE_FIREHOSE_DEVICE_PATTERN")
  if (pattern !== undefined) {
    try {
      const regex = new RegExp(pattern)
      filter = (reading) => regex.test(reading.deviceId)
    } catch (error) {
      problems.push(`SLUICE_FIREHOSE_DEVICE_PATTERN is not a regular expression: ${(error as Error).message}`)
    }
  }
  const maxText = text("SLUICE_FIREHOSE_MAX_RESPONSE_BYTES")
  const maxResponseBytes = maxText === undefined ? LAMBDA_MAX_RESPONSE_BYTES : Number(maxText)
  if (
    !Number.isSafeInteger(maxResponseBytes) ||
    maxResponseBytes < 1024 ||
    maxResponseBytes > LAMBDA_MAX_RESPONSE_BYTES
  ) {
    problems.push(
      `SLUICE_FIREHOSE_MAX_RESPONSE_BYTES must be an integer from 1024 to ${LAMBDA_MAX_RESPONSE_BYTES}, got ${maxText}`,
    )
  }
  const log = text("SLUICE_FIREHOSE_LOG") ?? "problems"
  if (log !== "problems" && log !== "off")
    problems.push(`SLUICE_FIREHOSE_LOG must be problems or off, got ${log}`)
  if (problems.length > 0) throw new InvalidFirehoseEnvironment(problems.join("; "))
  return {
    maxResponseBytes,
    ...(filter === undefined ? {} : { filter }),
    ...(log === "off" ? { log: () => {} } : {}),
  }
}

export const makeHandler = (env: FirehoseEnvironment) => firehoseTransform(readFirehoseEnvironment(env))

export const handler = makeHandler(process.env)
