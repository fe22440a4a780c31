/**
 * The transformation step of the local delivery stream: records in, one outcome per record out.
 *
 * Three kinds of transform, chosen when the stream is made:
 * - `builtin` (the default): core's `transformRecord`, called in-process per record — the same
 *   code as the `firehoseTransform` Lambda, without the base64 round trip, and with the reason
 *   of every failure kept for the error output.
 * - `lambda`: any function with Firehose's Lambda contract (yours, or `firehoseTransform()`),
 *   invoked as Firehose would: batches of at most 3 MiB of records (Firehose's largest
 *   processor buffer), a failed invocation retried 3 times, then every record of the batch sent
 *   to the error output. A response that drops, repeats or invents a record id, or answers with
 *   an unknown result, counts as a failed invocation (Firehose treats it as a transformation
 *   failure).
 * - `none`: records pass through unchanged, without partition keys.
 */
import {
  type ErrorCode,
  type FirehoseTransformationEvent,
  type FirehoseTransformationResult,
  type FirehoseTransformationResultRecord,
  planBatches,
  type RecordTransformOptions,
  transformRecord,
} from "@sluice/core"
import { Effect } from "effect"

export type LakeTransform =
  | { readonly kind: "builtin"; readonly options?: RecordTransformOptions }
  | {
      readonly kind: "lambda"
      readonly handler: (
        event: FirehoseTransformationEvent,
      ) => Promise<FirehoseTransformationResult> | FirehoseTransformationResult
      /** Retries of a failed invocation. Default 3 (Firehose's default). */
      readonly retries?: number
    }
  | { readonly kind: "none" }

export interface IncomingRecord {
  readonly ticket: number
  readonly data: Uint8Array
  readonly arrivalMs: number
}

export type RecordOutcome =
  | {
      readonly kind: "ok"
      readonly record: IncomingRecord
      /** The transformed bytes (a string is UTF-8 text, encoded once per object). */
      readonly body: string | Uint8Array
      readonly bytes: number
      readonly partitionKeys: Readonly<Record<string, string>> | undefined
      readonly readings: number
    }
  | { readonly kind: "dropped"; readonly record: IncomingRecord }
  | {
      readonly kind: "failed"
      readonly record: IncomingRecord
      readonly errorCode: ErrorCode
      readonly errorMessage: string
      readonly attemptsMade: number
    }

/** Firehose's largest Lambda processor buffer. Source: Firehose API reference, ProcessorParameter BufferSizeInMBs (0.2–3). */
export const PROCESSOR_MAX_BUFFER_BYTES = 3 * 1024 * 1024
const DEFAULT_RETRIES = 3
const RESULTS = new Set(["Ok", "Dropped", "ProcessingFailed"])

const builtin = (
  records: ReadonlyArray<IncomingRecord>,
  options: RecordTransformOptions | undefined,
): RecordOutcome[] =>
  records.map((record): RecordOutcome => {
    const verdict = transformRecord(record.data, options)
    if (verdict.result === "Ok") {
      return {
        kind: "ok",
        record,
        body: verdict.lines,
        bytes: Buffer.byteLength(verdict.lines, "utf8"),
        partitionKeys: verdict.partitionKeys,
        readings: verdict.readings,
      }
    }
    if (verdict.result === "Dropped") return { kind: "dropped", record }
    return {
      kind: "failed",
      record,
      errorCode: "Lambda.ProcessingFailed",
      errorMessage: verdict.reason,
      attemptsMade: 1,
    }
  })

class InvocationFailed {
  constructor(
    readonly code: ErrorCode,
    readonly message: string,
  ) {}
}

/** Checks a Lambda response against its request; the answers by record id, or why it is invalid. */
const answersOf = (
  event: FirehoseTransformationEvent,
  response: unknown,
): Map<string, FirehoseTransformationResultRecord> | InvocationFailed => {
  const records = (response as { records?: unknown } | null)?.records
  if (!Array.isArray(records))
    return new InvocationFailed("Lambda.InvalidResponse", "the response has no `records` array")
  const asked = new Set(event.records.map((r) => r.recordId))
  const answers = new Map<string, FirehoseTransformationResultRecord>()
  for (const answer of records as ReadonlyArray<FirehoseTransformationResultRecord>) {
    if (!asked.has(answer?.recordId)) {
      return new InvocationFailed(
        "Lambda.InvalidResponse",
        `the response answers an unknown record id ${JSON.stringify(answer?.recordId)}`,
      )
    }
    if (answers.has(answer.recordId)) {
      return new InvocationFailed("Lambda.DuplicatedRecordId", `record ${answer.recordId} is answered twice`)
    }
    if (!RESULTS.has(answer.result) || typeof answer.data !== "string") {
      return new InvocationFailed(
        "Lambda.InvalidResponse",
        `record ${answer.recordId} has result ${JSON.stringify(answer.result)} or no data`,
      )
    }
    answers.set(answer.recordId, answer)
  }
  for (const id of asked) {
    if (!answers.has(id))
      return new InvocationFailed("Lambda.MissingRecordId", `record ${id} is not answered`)
  }
  return answers
}

const invoke = (
  transform: Extract<LakeTransform, { kind: "lambda" }>,
  records: ReadonlyArray<IncomingRecord>,
  context: { readonly streamArn: string; readonly invocation: number },
): Effect.Effect<RecordOutcome[]> =>
  Effect.gen(function* () {
    const event: FirehoseTransformationEvent = {
      invocationId: `local-${context.invocation}`,
      deliveryStreamArn: context.streamArn,
      region: "local",
      records: records.map((record) => ({
        recordId: String(record.ticket),
        approximateArrivalTimestamp: record.arrivalMs,
        data: Buffer.from(record.data).toString("base64"),
      })),
    }
    const attempts = (transform.retries ?? DEFAULT_RETRIES) + 1
    let failure = new InvocationFailed("Lambda.FunctionError", "not invoked")
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const response = yield* Effect.promise(() =>
        Promise.resolve()
          .then(() => transform.handler(event))
          .then(
            (value) => answersOf(event, value),
            (error: unknown) =>
              new InvocationFailed(
                "Lambda.FunctionError",
                error instanceof Error ? error.message : String(error),
              ),
          ),
      )
      if (response instanceof InvocationFailed) {
        failure = response
        continue
      }
      return records.map((record): RecordOutcome => {
        const answer = response.get(String(record.ticket)) as FirehoseTransformationResultRecord
        if (answer.result === "Dropped") return { kind: "dropped", record }
        if (answer.result === "ProcessingFailed") {
          return {
            kind: "failed",
            record,
            errorCode: "Lambda.ProcessingFailed",
            errorMessage: "The record was returned as ProcessingFailed by the transformation.",
            attemptsMade: attempt,
          }
        }
        const body = Buffer.from(answer.data, "base64")
        return {
          kind: "ok",
          record,
          body,
          bytes: body.byteLength,
          partitionKeys: answer.metadata?.partitionKeys,
          readings: 0,
        }
      })
    }
    return records.map(
      (record): RecordOutcome => ({
        kind: "failed",
        record,
        errorCode: failure.code,
        errorMessage: failure.message,
        attemptsMade: attempts,
      }),
    )
  })

let invocations = 0

/** Runs the transform over records; one outcome per record, in order. Never fails. */
export const runTransform = (
  transform: LakeTransform,
  records: ReadonlyArray<IncomingRecord>,
  streamArn: string,
): Effect.Effect<ReadonlyArray<RecordOutcome>> => {
  if (records.length === 0) return Effect.succeed([])
  if (transform.kind === "builtin") return Effect.sync(() => builtin(records, transform.options))
  if (transform.kind === "none") {
    return Effect.succeed(
      records.map(
        (record): RecordOutcome => ({
          kind: "ok",
          record,
          body: record.data,
          bytes: record.data.byteLength,
          partitionKeys: undefined,
          readings: 0,
        }),
      ),
    )
  }
  const plan = planBatches(records, (r) => r.data.byteLength, {
    maxCount: Number.MAX_SAFE_INTEGER,
    maxBytes: PROCESSOR_MAX_BUFFER_BYTES,
    maxRecordBytes: PROCESSOR_MAX_BUFFER_BYTES,
  })
  return Effect.map(
    Effect.forEach(plan.batches, (batch) =>
      invoke(transform, batch, { streamArn, invocation: invocations++ }),
    ),
    (outcomes) => outcomes.flat(),
  )
}
