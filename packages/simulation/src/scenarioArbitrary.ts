/**
 * Scenarios as fast-check arbitraries, so a failing scenario shrinks: fewer commands, fewer
 * devices, fewer faults, smaller settings — down to a small counterexample.
 *
 * The mix aims at the pipeline's hard cases rather than at realism: faults on every port at
 * rates from none to very high, small batch limits (so limits and oversized items bite),
 * tiny retry budgets and short Lambda timeouts (so deadlines and exhausted retries happen),
 * crashes, lost acknowledgements, disconnects and skewed device clocks. Weather can change
 * mid-run (`calm`, `storm`).
 */
import {
  type BatchLimits,
  dynamoBatchWriteItem,
  kinesisPutRecords,
  openSearchBulk,
  type RetryPolicy,
} from "@sluice/core"
import fc from "fast-check"
import {
  type Command,
  type DeviceSpec,
  type FaultRates,
  type MappingSettings,
  PAYLOAD_KINDS,
  type PayloadKind,
  type Scenario,
  type SimConfig,
} from "./scenario.ts"

const DEVICE_NAMES = ["device-1", "device-2", "sensor:7_x", "d"] as const

const rate = fc.constantFrom(0, 0, 0.05, 0.15, 0.3, 0.5)
const rareRate = fc.constantFrom(0, 0, 0, 0.01, 0.03)

const faultRates: fc.Arbitrary<FaultRates> = fc.record({
  stream: fc.record({ throttle: rate, partial: rate, readThrottle: rate }),
  table: fc.record({ throttle: rate, error: rate, partial: rate, timeoutAfterWrite: rate, crash: rareRate }),
  deadLetters: fc.record({ throttle: rate, error: rate, timeoutAfterWrite: rate }),
  checkpoints: fc.record({ error: rate, errorAfterWrite: rate }),
  objectStore: fc.record({ throttle: rate, error: rate, timeoutAfterWrite: rate, crash: rareRate }),
  search: fc.record({
    throttle: rate,
    error: rate,
    partial: rate,
    timeoutAfterWrite: rate,
    itemErrors: rate,
  }),
  handler: fc.record({ crashBefore: rate, crashAfter: rate, timeoutAfter: rate }),
  broker: fc.record({ ackLost: rate, crashMidPublish: rareRate }),
})

const devices: fc.Arbitrary<DeviceSpec[]> = fc
  .uniqueArray(fc.constantFrom(...DEVICE_NAMES), { minLength: 1, maxLength: DEVICE_NAMES.length })
  .chain((names) =>
    fc.tuple(...names.map((name) => fc.record({ name: fc.constant(name), seq: fc.boolean() }))),
  )

const mapping: fc.Arbitrary<MappingSettings> = fc.record({
  batchSize: fc.integer({ min: 1, max: 10 }),
  windowSeconds: fc.constantFrom(0, 0, 0, 1, 2),
  maxRetryAttempts: fc.constantFrom(-1, -1, 0, 1, 3),
  maxRecordAgeSeconds: fc.constantFrom(-1, -1, -1, 60, 300),
  bisect: fc.boolean(),
  timeoutMs: fc.constantFrom(200, 1_000, 3_000),
})

const retry: fc.Arbitrary<RetryPolicy> = fc.record({
  baseDelayMs: fc.constantFrom(5, 20, 50),
  maxDelayMs: fc.constantFrom(100, 400, 1_000),
  maxAttempts: fc.integer({ min: 1, max: 5 }),
  maxElapsedMs: fc.constantFrom(300, 1_000, 3_000),
})

const smallLimits = (record: fc.Arbitrary<number>, defaults: BatchLimits): fc.Arbitrary<BatchLimits> =>
  fc.oneof(
    fc.constant(defaults),
    fc.record({
      maxCount: fc.integer({ min: 1, max: 25 }),
      maxBytes: fc.integer({ min: 2_000, max: 12_000 }),
      maxRecordBytes: record,
    }),
  )

export const configArbitrary: fc.Arbitrary<SimConfig> = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  devices,
  shards: fc.integer({ min: 1, max: 3 }),
  mapping,
  consumer: fc.record({
    chunkSize: fc.integer({ min: 1, max: 6 }),
    concurrency: fc.integer({ min: 1, max: 4 }),
    retry,
    deadlineMarginMs: fc.constantFrom(0, 50, 150),
  }),
  limits: fc.record({
    table: smallLimits(fc.integer({ min: 600, max: 2_000 }), dynamoBatchWriteItem),
    stream: fc.oneof(
      fc.constant(kinesisPutRecords),
      fc.record({
        maxCount: fc.constant(500),
        maxBytes: fc.constant(64 * 1024),
        maxRecordBytes: fc.integer({ min: 1_200, max: 2_500 }),
      }),
    ),
    search: smallLimits(fc.integer({ min: 600, max: 2_000 }), openSearchBulk),
  }),
  lake: fc.record({
    sizeBytes: fc.integer({ min: 200, max: 5_000 }),
    intervalMs: fc.constantFrom(1_000, 5_000, 60_000),
    feederBatch: fc.integer({ min: 1, max: 20 }),
  }),
  faults: faultRates,
})

const device = fc.nat({ max: DEVICE_NAMES.length - 1 })
const kind: fc.Arbitrary<PayloadKind> = fc.oneof(
  { weight: 12, arbitrary: fc.constant("reading" as const) },
  { weight: 4, arbitrary: fc.constantFrom(...PAYLOAD_KINDS.filter((k) => k !== "reading")) },
)

export const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  { weight: 30, arbitrary: fc.record({ t: fc.constant("publish" as const), device, kind }) },
  { weight: 22, arbitrary: fc.record({ t: fc.constant("poll" as const), shard: fc.nat({ max: 2 }) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant("lake" as const) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("lakeTick" as const) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant("index" as const) }) },
  {
    weight: 8,
    arbitrary: fc.record({
      t: fc.constant("advance" as const),
      ms: fc.oneof(fc.integer({ min: 1, max: 3_000 }), fc.constantFrom(61_000, 400_000)),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("disconnect" as const), device }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("reconnect" as const), device }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("crash" as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("skew" as const),
      device,
      ms: fc.oneof(fc.integer({ min: -5_000, max: 5_000 }), fc.constantFrom(-86_400_000, 3 * 86_400_000)),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("calm" as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("storm" as const) }) },
)

export const scenarioArbitrary = (maxCommands = 80): fc.Arbitrary<Scenario> =>
  fc.record({
    config: configArbitrary,
    commands: fc.array(commandArbitrary, { minLength: 1, maxLength: maxCommands, size: "max" }),
  })
