/**
 * Keeping a transformation response under Lambda's 6 MB limit.
 *
 * Our output can be larger than the input (each line gains `deviceId` and `ts`; a small reading
 * grows by about half), so a request near the limit can produce a response over it — and an
 * oversized response fails the whole invocation (HTTP 413): Firehose retries the batch, then
 * sends every record in it to the error output. We never let that happen. Non-Ok answers echo
 * the record's original data, so an all-failed response is never larger than the request
 * (`result` is shorter than `approximateArrivalTimestamp`). Walking the records in order, an `Ok`
 * is kept while the response, with every later record counted at its failed size, still fits;
 * otherwise that record becomes `ProcessingFailed` ("response size"), and Firehose writes its
 * original bytes to the error output, from where it can be replayed. Records are never reordered
 * and never silently lost.
 */
import type {
  FirehosePartitionKeys,
  FirehoseRecordResult,
  FirehoseTransformationResultRecord,
} from "./firehoseEvent.ts"

/** `{"records":[` … `]}` */
const ENVELOPE_BYTES = '{"records":[]}'.length

/** JSON size of one response record, without building the JSON (base64 needs no escaping). */
export const responseRecordBytes = (
  recordId: string,
  result: FirehoseRecordResult,
  dataBase64Length: number,
  partitionKeys: FirehosePartitionKeys | undefined,
): number => {
  // {"recordId":ID,"result":"R","data":"D"} and ,"metadata":{"partitionKeys":K}
  const base = '{"recordId":,"result":"","data":""}'.length
  const keys =
    partitionKeys === undefined ? 0 : ',"metadata":{"partitionKeys":}'.length + jsonBytes(partitionKeys)
  return base + jsonBytes(recordId) + result.length + dataBase64Length + keys
}

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), "utf8")

export interface BudgetEntry {
  readonly record: FirehoseTransformationResultRecord
  /** The answer if this record has to fail for lack of room. */
  readonly fallback: FirehoseTransformationResultRecord
}

/**
 * Records that fit in `maxBytes`, in order; Ok records that did not fit replaced by their
 * fallback. `demoted` lists the indexes replaced.
 */
export const fitResponse = (
  entries: ReadonlyArray<BudgetEntry>,
  maxBytes: number,
): {
  readonly records: ReadonlyArray<FirehoseTransformationResultRecord>
  readonly demoted: ReadonlyArray<number>
} => {
  const sizeOf = (r: FirehoseTransformationResultRecord) =>
    responseRecordBytes(r.recordId, r.result, r.data.length, r.metadata?.partitionKeys)
  const separators = Math.max(0, entries.length - 1)
  let total = ENVELOPE_BYTES + separators
  const sizes = entries.map((entry) => sizeOf(entry.record))
  for (const size of sizes) total += size
  if (total <= maxBytes) return { records: entries.map((entry) => entry.record), demoted: [] }
  // Suffix sums of the fallback sizes: what the rest costs if all of it has to fail.
  const fallbackSizes = entries.map((entry) => sizeOf(entry.fallback))
  const restFallback = new Array<number>(entries.length + 1).fill(0)
  for (let i = entries.length - 1; i >= 0; i--)
    restFallback[i] = (restFallback[i + 1] ?? 0) + (fallbackSizes[i] ?? 0)
  const records: FirehoseTransformationResultRecord[] = []
  const demoted: number[] = []
  let used = ENVELOPE_BYTES + separators
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as BudgetEntry
    const size = sizes[i] as number
    if (entry.record.result !== "Ok" || used + size + (restFallback[i + 1] ?? 0) <= maxBytes) {
      records.push(entry.record)
      used += size
    } else {
      records.push(entry.fallback)
      used += fallbackSizes[i] as number
      demoted.push(i)
    }
  }
  return { records, demoted }
}
