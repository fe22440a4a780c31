/**
 * `sluice invoke firehose --event FILE`: run the real Firehose transformation on an event, as
 * Lambda would, and print its response — like `sam local invoke`, without Docker.
 *
 * The event is Firehose's (`{invocationId, deliveryStreamArn, region, records[{recordId,
 * approximateArrivalTimestamp, data}]}`); `-` reads it from stdin. The response prints as one
 * JSON line; `--decode` adds each record's data as text (`decoded`) for people. The reasons for
 * ProcessingFailed records go to stderr, as the Lambda logs them. `--device-pattern` is the
 * entry's SLUICE_FIREHOSE_DEVICE_PATTERN. `--data-dir` is accepted for symmetry with
 * `invoke kinesis`: the transformation keeps no state.
 */
import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import { type FirehoseTransformationEvent, firehoseTransform } from "@sluice/core"
import { type Command, UsageError } from "../command.ts"

const readEvent = (file: string, cwd: string): FirehoseTransformationEvent => {
  let text: string
  try {
    text = readFileSync(file === "-" ? 0 : resolve(cwd, file), "utf8")
  } catch (error) {
    throw new UsageError(`cannot read --event ${file}: ${(error as Error).message}`)
  }
  let event: unknown
  try {
    event = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`--event ${file} is not JSON: ${(error as Error).message}`)
  }
  if (
    typeof event !== "object" ||
    event === null ||
    !Array.isArray((event as { records?: unknown }).records)
  ) {
    throw new UsageError(`--event ${file} is not a Firehose transformation event (no "records" array)`)
  }
  return event as FirehoseTransformationEvent
}

export const invokeFirehoseCommand: Command = {
  path: ["invoke", "firehose"],
  summary: "run the Firehose transformation on an event file and print its response",
  options: {
    event: {
      type: "string",
      valueName: "FILE",
      description: "the Firehose event (JSON; - for stdin)",
      required: true,
    },
    decode: { type: "boolean", description: "also show each record's data decoded as text" },
    "device-pattern": {
      type: "string",
      valueName: "REGEX",
      description: "keep only devices matching it (others are Dropped)",
    },
    "data-dir": {
      type: "string",
      valueName: "DIR",
      description: "accepted for symmetry with `invoke kinesis` (unused)",
    },
  },
  examples: ["sluice invoke firehose --event firehose-event.json --decode"],
  run: async ({ values, io }) => {
    const event = readEvent(String(values.event), io.cwd)
    const pattern = typeof values["device-pattern"] === "string" ? values["device-pattern"] : undefined
    let regex: RegExp | undefined
    try {
      regex = pattern === undefined ? undefined : new RegExp(pattern)
    } catch (error) {
      throw new UsageError(`--device-pattern: ${(error as Error).message}`)
    }
    const handler = firehoseTransform({
      ...(regex === undefined ? {} : { filter: (reading) => regex.test(reading.deviceId) }),
      log: (summary) => io.stderr(`${JSON.stringify(summary)}\n`),
    })
    const response = await handler(event)
    const printed =
      values.decode === true
        ? {
            records: response.records.map((record) => ({
              ...record,
              decoded: Buffer.from(record.data, "base64").toString("utf8"),
            })),
          }
        : response
    io.stdout(`${JSON.stringify(printed)}\n`)
    return 0
  },
}
