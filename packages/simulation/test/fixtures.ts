/**
 * Hand-written scenarios for tests that need a world in a known state: no faults, one shard,
 * two devices, AWS's default limits.
 */
import { defaultRetryPolicy, dynamoBatchWriteItem, kinesisPutRecords, openSearchBulk } from "@sluice/core"
import type { Command, FaultRates, Scenario, SimConfig } from "../src/scenario.ts"

export const NO_FAULTS: FaultRates = {
  stream: { throttle: 0, partial: 0, readThrottle: 0 },
  table: { throttle: 0, error: 0, partial: 0, timeoutAfterWrite: 0, crash: 0 },
  deadLetters: { throttle: 0, error: 0, timeoutAfterWrite: 0 },
  checkpoints: { error: 0, errorAfterWrite: 0 },
  objectStore: { throttle: 0, error: 0, timeoutAfterWrite: 0, crash: 0 },
  search: { throttle: 0, error: 0, partial: 0, timeoutAfterWrite: 0, itemErrors: 0 },
  handler: { crashBefore: 0, crashAfter: 0, timeoutAfter: 0 },
  broker: { ackLost: 0, crashMidPublish: 0 },
}

export const calmConfig = (overrides: Partial<SimConfig> = {}): SimConfig => ({
  seed: 1,
  devices: [
    { name: "device-1", seq: true },
    { name: "device-2", seq: false },
  ],
  shards: 1,
  mapping: {
    batchSize: 10,
    windowSeconds: 0,
    maxRetryAttempts: -1,
    maxRecordAgeSeconds: -1,
    bisect: false,
    timeoutMs: 3_000,
  },
  consumer: { chunkSize: 100, concurrency: 2, retry: defaultRetryPolicy, deadlineMarginMs: 100 },
  limits: { table: dynamoBatchWriteItem, stream: kinesisPutRecords, search: openSearchBulk },
  lake: { sizeBytes: 1_000_000, intervalMs: 60_000, feederBatch: 100 },
  faults: NO_FAULTS,
  ...overrides,
})

export const scenario = (commands: ReadonlyArray<Command>, overrides: Partial<SimConfig> = {}): Scenario => ({
  config: calmConfig(overrides),
  commands,
})
