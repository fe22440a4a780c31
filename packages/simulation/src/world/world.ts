/**
 * The world: durable ports, the devices, and the in-memory parts of the stack process (broker
 * sessions, mapping shards, the lake's feeder and buffers, the search indexer) — and how a
 * command moves it.
 *
 * A `crash` (a command, or a fault that kills the process) throws away every in-memory part
 * and starts new ones from what is durable: streams, table, dead letters, checkpoints, lake
 * objects, search index. Devices are other machines: they keep their unacknowledged messages
 * and reconnect. `drain` is the end of a run: faults off, devices resend, every consumer runs
 * until every stream is processed and checkpointed — or reports what never finished.
 */
import { seededRandom } from "@sluice/adapters-memory"
import { handsOnRules, loadRules, localEventSource, mappingConfigOf, type RuleSet } from "@sluice/core"
import type { Command, Scenario } from "../scenario.ts"
import { SIM_START_MS } from "../scenario.ts"
import { makeVirtualRuntime } from "../virtualRuntime.ts"
import { type Broker, makeBroker } from "./broker.ts"
import { type ConsumerShard, emptyConsumerStats, makeConsumerShard } from "./consumerShard.ts"
import { type DeviceState, deviceTimestamp, ensureConnected, makeDevices, sendOutbox } from "./devices.ts"
import { type Lake, type LakeStats, startLake } from "./lake.ts"
import { deliveriesOf, type Message } from "./ledger.ts"
import { payloadOf } from "./payloads.ts"
import { KINESIS_STREAM, makePorts } from "./ports.ts"
import { ProcessCrash } from "./processCrash.ts"
import { makeSearchIndexer, type SearchIndexer, type SearchStats } from "./searchIndexer.ts"

const encoder = new TextEncoder()

const loadHandsOnRules = (): RuleSet => {
  const loaded = loadRules(handsOnRules)
  if (!loaded.ok) throw new Error(`the hands-on rules do not load: ${JSON.stringify(loaded.issues)}`)
  return loaded.value
}
const RULES = loadHandsOnRules()

/**
 * Deliberate bugs, for proving the checks have teeth (test/teeth.test.ts): each must be caught.
 * - `parallelConsumer`: the consumer in parallel mode, which does not keep a key's order;
 * - `ignorePartialFailure`: the mapping checkpoints past a partial batch response's failures;
 * - `ackBeforeAppend`: the broker acknowledges a message whose append failed.
 */
export type Mutant = "parallelConsumer" | "ignorePartialFailure" | "ackBeforeAppend"

export interface WorldOptions {
  readonly mutant?: Mutant
}

export const makeWorld = async (scenario: Scenario, options: WorldOptions = {}) => {
  const config = scenario.config
  const runtime = makeVirtualRuntime(SIM_START_MS, config.seed)
  const ports = makePorts(config, runtime.now)
  const random = seededRandom((config.seed ^ 0x5eed1e55) >>> 0)
  const devices: DeviceState[] = makeDevices(config.devices)
  const messages: Message[] = []
  let faultsOn = true
  let restarts = 0
  const crashes: string[] = []
  const consumerStats = emptyConsumerStats()
  const lakeStats: LakeStats = { steps: 0, failedSteps: 0 }
  const searchStats: SearchStats = { indexed: 0, rejected: 0, failedSteps: 0 }
  const mapping = mappingConfigOf({
    batchSize: config.mapping.batchSize,
    maximumBatchingWindowInSeconds: config.mapping.windowSeconds,
    maximumRetryAttempts: config.mapping.maxRetryAttempts,
    maximumRecordAgeInSeconds: config.mapping.maxRecordAgeSeconds,
    bisectBatchOnFunctionError: config.mapping.bisect,
  })
  const broker: Broker = makeBroker({
    runtime,
    ports,
    faults: config.faults.broker,
    random,
    ackBeforeAppend: options.mutant === "ackBeforeAppend",
  })
  const kinesisShards = (ports.streams.get(KINESIS_STREAM)?.state.shards ?? []).map((s) => s.shardId)

  // The stack process's in-memory parts, rebuilt by every restart.
  let shards: ConsumerShard[] = []
  let lake: Lake | undefined
  let indexer: SearchIndexer | undefined

  const start = async () => {
    shards = kinesisShards.map((shardId) =>
      makeConsumerShard(
        {
          runtime,
          ports,
          config,
          mapping,
          source: localEventSource(KINESIS_STREAM),
          streamName: KINESIS_STREAM,
          handlerFaults: config.faults.handler,
          random,
          faultsOn: () => faultsOn,
          stats: consumerStats,
          limitViolations: ports.limitViolations,
          mutant: options.mutant,
        },
        shardId,
      ),
    )
    indexer = makeSearchIndexer({ runtime, ports, config, stats: searchStats })
    lake = await startLake({
      runtime,
      ports,
      config,
      seed: (config.seed * 977 + restarts) >>> 0,
      stats: lakeStats,
    })
  }

  const crash = async (reason: string) => {
    crashes.push(reason)
    restarts++
    for (const device of devices) device.connected = false
    lake = undefined
    for (;;) {
      try {
        await start()
        return
      } catch (error) {
        if (!(error instanceof ProcessCrash)) throw error
        crashes.push(error.message)
      }
    }
  }

  const send = (message: Message) => broker.publish(message, faultsOn)

  const publish = (device: DeviceState, kind: Parameters<typeof payloadOf>[0]["kind"]) => {
    const id = messages.length
    const seq = device.spec.seq ? device.nextSeq++ : undefined
    const { topic, payload } = payloadOf({
      messageId: id,
      kind,
      deviceName: device.spec.name,
      timestamp: deviceTimestamp(device, runtime.now()),
      seq,
    })
    const bytes = encoder.encode(payload)
    const deliveries = deliveriesOf(
      RULES,
      { topic, payload: bytes, clientId: device.spec.name },
      {
        timestampMs: runtime.now(),
        newUuid: () => `00000000-0000-4000-8000-${String(id).padStart(12, "0")}`,
      },
      config.limits,
    )
    const message: Message = {
      id,
      device: device.index,
      topic,
      payload: bytes,
      deliveries,
      accepted: false,
      dropped: false,
    }
    messages.push(message)
    device.outbox.push(message)
    if (ensureConnected(device)) sendOutbox(device, send, config.window)
  }

  const apply = async (command: Command) => {
    const device = "device" in command ? devices[command.device % devices.length] : undefined
    switch (command.t) {
      case "publish":
        if (device) publish(device, command.kind)
        return
      case "poll":
        shards[command.shard % shards.length]?.poll()
        return
      case "lake":
        await lake?.step()
        return
      case "lakeTick":
        await lake?.tick()
        return
      case "index":
        indexer?.step()
        return
      case "advance":
        runtime.advance(command.ms)
        return
      case "disconnect":
        if (device) {
          device.held = true
          device.connected = false
        }
        return
      case "reconnect":
        if (device) {
          device.held = false
          device.connected = true
          sendOutbox(device, send, config.window)
        }
        return
      case "crash":
        throw new ProcessCrash("killed by the scenario")
      case "skew":
        if (device) device.skewMs += command.ms
        return
      case "calm":
        faultsOn = false
        ports.calm()
        return
      case "storm":
        faultsOn = true
        ports.storm()
        return
    }
  }

  /** Applies one command; a process crash inside it restarts the stack process. */
  const step = async (command: Command) => {
    try {
      await apply(command)
    } catch (error) {
      if (!(error instanceof ProcessCrash)) throw error
      await crash(error.message)
    }
  }

  await start()

  return {
    config,
    runtime,
    ports,
    devices,
    messages,
    step,
    crash,
    send,
    shards: () => shards,
    lake: () => lake,
    indexer: () => indexer,
    calm: () => {
      faultsOn = false
      ports.calm()
    },
    stats: () => ({
      messages: messages.length,
      restarts,
      crashes: [...crashes],
      broker: { ...broker.stats },
      consumer: { ...consumerStats },
      lake: { ...lakeStats },
      search: { ...searchStats },
      faults: ports.injected(),
      lakeObjects: ports.objectState.objects.size,
    }),
  }
}

export type World = Awaited<ReturnType<typeof makeWorld>>
