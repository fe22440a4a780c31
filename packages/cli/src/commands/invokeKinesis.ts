/**
 * `sluice invoke kinesis --event FILE [--data-dir D]`: run the real Kinesis consumer — the
 * `kinesisConsumer` handler deployed to Lambda — on an event file, against the SQLite table and
 * dead letters of the data directory, and print its partial batch response: `sam local
 * invoke` without Docker. Readings land in `D/table.sqlite` (see `sluice table scan`), poison
 * records in `D/deadletters.sqlite` (see `sluice dlq list`). The event is Lambda's Kinesis event
 * (`{"Records":[{"kinesis":{"data":…,"sequenceNumber":…,…},"eventID":…,…}]}`).
 */
import { dataDirLayout, sqliteDeadLetters, sqliteTable } from "@sluice/adapters-local"
import { type KinesisStreamEvent, kinesisConsumer } from "@sluice/core"
import type { Command } from "../command.ts"
import { invocationContext, invokeOptions, printInvocation, readEventFile, timeoutOf } from "./invoke.ts"

const problemOf = (event: unknown): string | undefined => {
  const records = (event as { Records?: unknown } | null)?.Records
  if (!Array.isArray(records)) return 'is not a Kinesis event (no "Records" array)'
  const bad = records.findIndex(
    (record) => typeof (record as { kinesis?: { data?: unknown } } | null)?.kinesis?.data !== "string",
  )
  return bad === -1 ? undefined : `is not a Kinesis event (Records[${bad}].kinesis.data is not a string)`
}

export const invokeKinesisCommand: Command = {
  path: ["invoke", "kinesis"],
  summary: "run the Kinesis consumer on an event file against the local table and print its response",
  options: invokeOptions("Kinesis"),
  examples: [
    "sluice invoke kinesis --event kinesis-event.json",
    "sluice invoke kinesis --event kinesis-event.json --data-dir .sluice && sluice table scan",
  ],
  run: async ({ values, io }) => {
    const event = readEventFile<KinesisStreamEvent>(String(values.event), io.cwd, problemOf)
    const timeoutMs = timeoutOf(values.timeout)
    const layout = dataDirLayout(String(values["data-dir"]), io.cwd)
    const table = sqliteTable({ path: layout.table })
    const deadLetters = sqliteDeadLetters({ path: layout.deadLetters })
    try {
      const handler = kinesisConsumer({ table, deadLetters })
      return await printInvocation(io, () => handler(event, invocationContext("sluice-consumer", timeoutMs)))
    } finally {
      table.close()
      deadLetters.close()
    }
  },
}
