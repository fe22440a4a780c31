/**
 * A deterministic driver for the event-source-mapping decisions: one shard whose records are
 * all buffered, a handler model that says per invocation what it processed and what it
 * answered, and a virtual clock. It applies each step exactly as the runner does and checks, at
 * every settlement, the invariants the decisions promise.
 */
import {
  type DiscardedRecords,
  type EventSourceMappingConfig,
  type InvocationOutcome,
  initialMappingState,
  localEventSource,
  planStep,
  type StreamRecord,
  settleExpiry,
  settleInvocation,
  verdictOf,
} from "../../src/index.ts"

export const source = localEventSource("telemetry")

const check = (condition: boolean, what: string): void => {
  if (!condition) throw new Error(`event source mapping invariant broken: ${what}`)
}

export const recordsOf = (count: number, arrival: (i: number) => number = () => 0): StreamRecord[] =>
  Array.from({ length: count }, (_, i) => ({
    shardId: "shardId-000000000000",
    sequenceNumber: String(10n ** 20n + BigInt(i) * 7n),
    partitionKey: `device-${i % 3}`,
    data: new TextEncoder().encode(`{"n":${i}}`),
    approximateArrivalTimestamp: arrival(i),
  }))

/** A handler model: given the batch, mark what it processed and return the invocation's outcome. */
export type HandlerModel = (
  batch: ReadonlyArray<StreamRecord>,
  processed: (record: StreamRecord) => void,
  invocation: number,
) => InvocationOutcome

export interface SimulationResult {
  readonly invocations: ReadonlyArray<ReadonlyArray<string>>
  readonly checkpoints: ReadonlyArray<string>
  readonly discarded: ReadonlyArray<DiscardedRecords>
  readonly processed: ReadonlySet<string>
  readonly left: number
  readonly steps: number
}

export const simulate = (
  config: EventSourceMappingConfig,
  records: ReadonlyArray<StreamRecord>,
  handler: HandlerModel,
  options: { readonly maxSteps?: number; readonly startMs?: number; readonly msPerInvocation?: number } = {},
): SimulationResult => {
  let buffered = [...records]
  let state = initialMappingState
  let now = options.startMs ?? 0
  const invocations: string[][] = []
  const checkpoints: string[] = []
  const discarded: DiscardedRecords[] = []
  const processed = new Set<string>()
  const discardedSeqs = new Set<string>()
  let steps = 0
  for (; steps < (options.maxSteps ?? 100_000) && buffered.length > 0; steps++) {
    const step = planStep(config, state, buffered, now, source, now)
    if (step._tag === "Wait") {
      check(step.untilMs !== undefined, "a Wait with all records buffered must name its end")
      now = step.untilMs as number
      continue
    }
    let settlement: ReturnType<typeof settleExpiry>
    if (step._tag === "Expire") {
      settlement = settleExpiry(state, buffered, step.count)
    } else {
      const batch = buffered.slice(0, step.count)
      check(batch.length > 0 && batch.length <= config.batchSize, `batch of ${batch.length}`)
      if (config.maximumRecordAgeInSeconds >= 0)
        for (const record of batch)
          check(
            now - record.approximateArrivalTimestamp <= config.maximumRecordAgeInSeconds * 1000,
            `invoked a record older than the maximum age: ${record.sequenceNumber}`,
          )
      invocations.push(batch.map((r) => r.sequenceNumber))
      const outcome = handler(batch, (record) => processed.add(record.sequenceNumber), invocations.length - 1)
      settlement = settleInvocation(
        config,
        state,
        batch,
        verdictOf(batch, outcome, config.reportBatchItemFailures),
      )
      now += options.msPerInvocation ?? 0
    }
    if (settlement.discarded) {
      discarded.push(settlement.discarded)
      for (const record of settlement.discarded.records) discardedSeqs.add(record.sequenceNumber)
    }
    if (settlement.consumed > 0) {
      const consumed = buffered.slice(0, settlement.consumed)
      check(
        settlement.checkpoint === consumed[consumed.length - 1]?.sequenceNumber,
        "checkpoint is the last consumed",
      )
      // The checkpoint never passes a record that was neither processed nor discarded.
      for (const record of consumed)
        check(
          processed.has(record.sequenceNumber) || discardedSeqs.has(record.sequenceNumber),
          `checkpoint passed unprocessed record ${record.sequenceNumber}`,
        )
      checkpoints.push(settlement.checkpoint as string)
    } else check(settlement.checkpoint === undefined, "a checkpoint without consumed records")
    buffered = buffered.slice(settlement.consumed)
    state = settlement.state
    const pending = state.pending.reduce((a, b) => a + b, 0)
    check(pending <= buffered.length, "pending batches beyond the buffer")
  }
  return { invocations, checkpoints, discarded, processed, left: buffered.length, steps }
}
