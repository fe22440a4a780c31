/**
 * A Kinesis client that fails chosen PutRecords entries the way Kinesis does: the call
 * succeeds, failed entries carry an ErrorCode and are not written, the others are written by
 * the real client (kinesalite) in call order. kinesalite never fails an entry by itself, so this
 * is how tests meet partial failures against a real server. Every call is recorded.
 */
import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from "@aws-sdk/client-kinesis"
import type { KinesisApi } from "../../src/kinesis/index.ts"

export interface FaultyKinesis {
  readonly client: KinesisApi
  /** Every PutRecords call's entries, as sent. */
  readonly putCalls: PutRecordsRequestEntry[][]
  /** Commands sent, by name. */
  readonly counts: Map<string, number>
}

export const faultyKinesis = (
  real: KinesisClient,
  failEntry: (entry: PutRecordsRequestEntry, call: number) => string | undefined,
): FaultyKinesis => {
  const putCalls: PutRecordsRequestEntry[][] = []
  const counts = new Map<string, number>()
  const send = async (command: { constructor: { name: string } }) => {
    counts.set(command.constructor.name, (counts.get(command.constructor.name) ?? 0) + 1)
    if (!(command instanceof PutRecordsCommand)) return real.send(command as never)
    const entries = command.input.Records ?? []
    const call = putCalls.push(entries) - 1
    const verdicts = entries.map((entry) => failEntry(entry, call))
    const passing = entries.filter((_, i) => verdicts[i] === undefined)
    const answer =
      passing.length === 0
        ? { Records: [], $metadata: {} }
        : await real.send(new PutRecordsCommand({ ...command.input, Records: passing }))
    let j = 0
    const records = entries.map((_, i) => {
      const code = verdicts[i]
      return code === undefined
        ? answer.Records?.[j++]
        : { ErrorCode: code, ErrorMessage: "injected by the test" }
    })
    return { ...answer, Records: records, FailedRecordCount: entries.length - passing.length }
  }
  return { client: { send } as unknown as KinesisApi, putCalls, counts }
}
