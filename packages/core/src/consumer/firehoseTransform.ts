/**
 * `firehoseTransform(options?)`: the Firehose data-transformation Lambda, as a plain handler.
 *
 *     export const handler = firehoseTransform()                       // AWS
 *     const response = await handler(event)                            // anywhere
 *
 * Every input record is answered once, with its `recordId`, in input order (transformRecord.ts
 * decides each verdict; firehoseResponseBudget.ts keeps the response under 6 MB). `Ok` data is
 * the normalised JSON lines, base64; `Dropped` and `ProcessingFailed` echo the original data. A
 * record whose `data` is not a string fails on its own. The reasons behind ProcessingFailed and
 * Dropped cannot travel in Firehose's response, so the handler logs one summary line per
 * invocation (CloudWatch, on AWS) through `options.log`.
 *
 * `transformFirehoseEvent` is the same work as an Effect (it cannot fail: every problem is a
 * per-record verdict), returning the response and each record's verdict with its reason — the
 * local delivery stream uses the reasons for its error records. An event without a `records`
 * array is not a Firehose event: the handler throws, as Lambda would report a failed invocation.
 */
import { Effect } from "effect"
import {
  type FirehoseTransformationEvent,
  type FirehoseTransformationResult,
  type FirehoseTransformationResultRecord,
  LAMBDA_MAX_RESPONSE_BYTES,
} from "./firehoseEvent.ts"
import { type BudgetEntry, fitResponse } from "./firehoseResponseBudget.ts"
import {
  type RecordTransformation,
  type RecordTransformOptions,
  transformRecord,
} from "./firehoseTransformRecord.ts"

export interface FirehoseTransformOptions extends RecordTransformOptions {
  /** Largest response in bytes. Default: Lambda's 6 MiB. */
  readonly maxResponseBytes?: number
  /** Receives one summary per invocation with failures or drops. Default: a JSON line on stderr. */
  readonly log?: (summary: FirehoseTransformSummary) => void
}

export interface FirehoseTransformSummary {
  readonly invocationId: string
  readonly records: number
  readonly ok: number
  readonly dropped: number
  readonly processingFailed: number
  /** Up to 20 failed records with their reasons. */
  readonly failures: ReadonlyArray<{ readonly recordId: string; readonly reason: string }>
}

export interface TransformedEvent {
  readonly response: FirehoseTransformationResult
  /** Each record's verdict, in input order (after the size budget). */
  readonly verdicts: ReadonlyArray<RecordTransformation>
}

const MAX_LOGGED_FAILURES = 20
const RESPONSE_SIZE_REASON =
  "the transformed record did not fit in Lambda's 6 MB response; replay it from the error output"

const defaultLog = (summary: FirehoseTransformSummary) => {
  process.stderr.write(`${JSON.stringify({ level: "WARN", message: "firehose transform", ...summary })}\n`)
}

const assertEvent = (event: unknown): FirehoseTransformationEvent => {
  if (
    typeof event !== "object" ||
    event === null ||
    !Array.isArray((event as { records?: unknown }).records)
  ) {
    throw new TypeError("not a Firehose transformation event: expected an object with a `records` array")
  }
  return event as FirehoseTransformationEvent
}

/** The transformation of a whole event, synchronously (the hot path). */
export const transformEventSync = (
  event: FirehoseTransformationEvent,
  options: FirehoseTransformOptions = {},
): TransformedEvent => {
  const entries: BudgetEntry[] = []
  const verdicts: RecordTransformation[] = []
  for (const record of assertEvent(event).records) {
    const original = typeof record.data === "string" ? record.data : ""
    const verdict: RecordTransformation =
      typeof record.data === "string"
        ? transformRecord(Buffer.from(record.data, "base64"), options)
        : { result: "ProcessingFailed", reason: "the record has no base64 `data` string" }
    const fallback: FirehoseTransformationResultRecord = {
      recordId: record.recordId,
      result: "ProcessingFailed",
      data: original,
    }
    verdicts.push(verdict)
    entries.push({
      record:
        verdict.result === "Ok"
          ? {
              recordId: record.recordId,
              result: "Ok",
              data: Buffer.from(verdict.lines, "utf8").toString("base64"),
              metadata: { partitionKeys: verdict.partitionKeys },
            }
          : { recordId: record.recordId, result: verdict.result, data: original },
      fallback,
    })
  }
  const { records, demoted } = fitResponse(entries, options.maxResponseBytes ?? LAMBDA_MAX_RESPONSE_BYTES)
  for (const index of demoted) verdicts[index] = { result: "ProcessingFailed", reason: RESPONSE_SIZE_REASON }
  return { response: { records }, verdicts }
}

const summarize = (
  event: FirehoseTransformationEvent,
  verdicts: ReadonlyArray<RecordTransformation>,
): FirehoseTransformSummary => {
  let ok = 0
  let dropped = 0
  let processingFailed = 0
  const failures: Array<{ recordId: string; reason: string }> = []
  verdicts.forEach((verdict, i) => {
    if (verdict.result === "Ok") ok++
    else {
      if (verdict.result === "Dropped") dropped++
      else processingFailed++
      if (failures.length < MAX_LOGGED_FAILURES && verdict.result === "ProcessingFailed") {
        failures.push({ recordId: event.records[i]?.recordId ?? "", reason: verdict.reason })
      }
    }
  })
  return {
    invocationId: event.invocationId,
    records: verdicts.length,
    ok,
    dropped,
    processingFailed,
    failures,
  }
}

/** The transformation as an Effect: the response and every record's verdict. Never fails. */
export const transformFirehoseEvent = Effect.fn("firehoseTransform")(function* (
  event: FirehoseTransformationEvent,
  options: FirehoseTransformOptions = {},
) {
  return yield* Effect.sync(() => transformEventSync(event, options))
})

/** The Firehose transformation Lambda handler. */
export const firehoseTransform = (options: FirehoseTransformOptions = {}) => {
  const log = options.log ?? defaultLog
  return async (
    event: FirehoseTransformationEvent,
    _context?: unknown,
  ): Promise<FirehoseTransformationResult> => {
    const { response, verdicts } = transformEventSync(event, options)
    const summary = summarize(event, verdicts)
    if (summary.dropped > 0 || summary.processingFailed > 0) log(summary)
    return response
  }
}
