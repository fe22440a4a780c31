/**
 * `sluice up`: the whole hands-on pipeline in one process, on embedded defaults.
 *
 *     devices ─MQTT─▶ broker ─rules─▶ durable streams ─┬─ event-source mapping ─▶ kinesisConsumer ─▶ SQLite table
 *     (fleet)        (aedes; PUBACK                      ├─ lake feeder ─▶ delivery stream ─▶ gzip objects ─▶ lake
 *                     after the append)                  └─ search indexer ─▶ in-memory index ─▶ dashboard (SSE)
 *
 * Everything lives under the data dir (layout: docs/decisions/0400-data-dir-layout.md) and
 * resumes from its checkpoints on restart. `stop()` drains in order — devices, broker (nothing
 * new is accepted), consumers (in-flight batches finish and checkpoint), the lake (buffers are
 * written, then checkpointed), the index — and closes every file.
 */
import { existsSync } from "node:fs"
import { mkdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import {
  DEFAULT_DATA_DIR,
  dataDirLayout,
  type EventSourceMappingRunner,
  type LocalStreamFacade,
  openLocalCheckpoints,
  openLocalStream,
  sqliteDeadLetters,
  sqliteTable,
  startEventSourceMapping,
} from "@sluice/adapters-local"
import { MemorySearchIndex } from "@sluice/adapters-memory"
import {
  type DeadLetter,
  handsOnRules,
  type KinesisHandler,
  kinesisConsumer,
  loadRules,
  type RuleSet,
  type RulesFile,
} from "@sluice/core"
import { type Fleet, startFleet } from "@sluice/device"
import { type RunningBroker, startBroker } from "./broker.ts"
import type { DashboardEvent, PipelineStatus } from "./http/dashboardSource.ts"
import { type RunningHttpServer, startHttpServer } from "./http/server.ts"
import { type LakePipeline, startLakePipeline } from "./lakePipeline.ts"
import { firehoseStreamName, pipelinePartsOf, SEARCH_STREAM_NAME } from "./pipelineParts.ts"
import { makeRuleRouter } from "./ruleActions.ts"
import { type SearchIndexer, startSearchIndexer } from "./searchIndexer.ts"
import { openShadowStore } from "./shadowStore.ts"
import { makeStackDashboard } from "./stackDashboard.ts"
import { DEFAULT_STACK_OPTIONS, type StackOptions, stackOptionProblems } from "./stackOptions.ts"
import { startStackProjections } from "./stackProjections.ts"

/** Table writes one consumer invocation keeps in flight (decision 0903). */
const CONSUMER_WRITES_IN_FLIGHT = 256

export class StackConfigError extends Error {
  override readonly name = "StackConfigError"
}

export interface RunningStack {
  readonly dashboardUrl: string
  readonly mqttUrl: string
  readonly dataDir: string
  readonly status: () => PipelineStatus
  readonly fleet: Fleet | undefined
  readonly stop: () => Promise<void>
}

const loadRulesFile = async (path: string | undefined): Promise<{ file: RulesFile; rules: RuleSet }> => {
  let input: unknown = handsOnRules
  if (path !== undefined) {
    const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new StackConfigError(`cannot read the rules file ${path}: ${error.code ?? error.message}`)
    })
    try {
      input = JSON.parse(text)
    } catch (error) {
      throw new StackConfigError(`the rules file ${path} is not JSON: ${(error as Error).message}`)
    }
  }
  const loaded = loadRules(input)
  if (!loaded.ok) {
    throw new StackConfigError(
      `the rules file ${path ?? "(hands-on rules)"} is not valid:\n${loaded.issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}`,
    )
  }
  return { file: input as RulesFile, rules: loaded.value }
}

export const startStack = async (options: StackOptions): Promise<RunningStack> => {
  const problems = stackOptionProblems(options)
  if (problems.length > 0) throw new StackConfigError(problems.join("\n"))
  const log = options.log ?? (() => {})
  const { file, rules } = await loadRulesFile(options.rulesFile)
  const parts = pipelinePartsOf(file)
  if (parts.problems.length > 0) throw new StackConfigError(parts.problems.join("\n"))
  for (const action of parts.unsupported)
    log(`warning: rule action ${action} is not supported locally; its deliveries will be dead-lettered`)

  const layout = dataDirLayout(options.dataDir ?? DEFAULT_DATA_DIR)
  await mkdir(layout.root, { recursive: true })
  const closers: Array<() => unknown> = []
  const stopAll = async () => {
    for (const close of closers.splice(0).reverse()) {
      try {
        await close()
      } catch (error) {
        log(`warning: while stopping: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
  }
  try {
    const events = new Set<(event: DashboardEvent) => void>()
    const emit = (event: DashboardEvent) => {
      for (const listener of events) listener(event)
    }
    const openStream = async (name: string, shardCount: number) => {
      const dir = layout.stream(name)
      // A stream made by an earlier version keeps the shard count it was created with.
      const created = existsSync(join(dir, "stream.json"))
      const stream = await openLocalStream({ dir, name, ...(created ? {} : { shardCount }) })
      closers.push(() => stream.close())
      return stream
    }
    const kinesis = new Map<string, LocalStreamFacade>()
    // Kinesis streams get two shards, as a small provisioned stream; the streams standing in for
    // Firehose and the search domain have no shards on AWS, and one shard each here halves their
    // fsyncs and polls (decision 0904).
    for (const name of parts.kinesisStreams) kinesis.set(name, await openStream(name, 2))
    const firehose = new Map<string, LocalStreamFacade>()
    for (const name of parts.deliveryStreams)
      firehose.set(name, await openStream(firehoseStreamName(name), 1))
    const searchStream = parts.search ? await openStream(SEARCH_STREAM_NAME, 1) : undefined
    const checkpoints = openLocalCheckpoints({ dir: layout.checkpoints })
    // Bounded page caches: better-sqlite3's 16 MB each would be filled as the files grow (0013).
    const cacheKiB = Math.round((options.sqliteCacheMiB ?? DEFAULT_STACK_OPTIONS.sqliteCacheMiB) * 1024)
    const table = sqliteTable({ path: layout.table, cacheKiB })
    closers.push(() => table.close())
    const deadLetters = sqliteDeadLetters({ path: layout.deadLetters, cacheKiB })
    closers.push(() => deadLetters.close())
    // Aggregates and alerts, applied by the consumers; new or re-versioned ones rebuilt meanwhile.
    const projections = startStackProjections({
      path: layout.projections,
      cacheKiB,
      streams: [...kinesis.values()].map((stream) => stream.service),
      table: table.service,
      log,
    })
    closers.push(() => projections.close())
    const counters = { stored: 0, deadLettered: 0, storedWindow: [] as Array<[number, number]> }
    const observedDeadLetters = {
      put: async (letters: ReadonlyArray<DeadLetter>) => {
        await deadLetters.put(letters)
        for (const letter of letters) emit({ type: "deadLetter", data: letter })
      },
      list: () => deadLetters.list(),
    }

    // Consumers: the Lambda handler on every Kinesis stream, exactly as deployed.
    const mappings: EventSourceMappingRunner[] = []
    for (const [name, stream] of kinesis) {
      const consume = kinesisConsumer({
        table,
        deadLetters: observedDeadLetters,
        streamName: name,
        ...projections.consumerOptions,
        // Writes to SQLite in flight together share one COMMIT (its group commit): with every
        // device's latest-state write in flight at once, a batch costs two fsyncs, not one per device.
        concurrency: CONSUMER_WRITES_IN_FLIGHT,
        onBatch: (summary) => {
          counters.stored += summary.stored
          counters.deadLettered += summary.deadLettered
        },
      })
      const observe = options.onConsumed
      const handler: KinesisHandler =
        observe === undefined
          ? consume
          : async (event, context) => {
              const response = await consume(event, context)
              observe(event, response)
              return response
            }
      const mapping = await startEventSourceMapping({
        stream,
        checkpoints: checkpoints.service,
        handler,
        functionName: "sluice-consumer",
        config: { batchSize: 500 },
        pollIntervalMs: options.pollIntervalMs ?? 50,
        onFailure: { deadLetters: observedDeadLetters },
        onError: (message) => log(`consumer: ${message}`),
      })
      mappings.push(mapping)
      closers.push(() => mapping.stop())
    }

    // The lake: one pipeline per delivery stream.
    const lakes: LakePipeline[] = []
    for (const [name, stream] of firehose) {
      const lake = await startLakePipeline({
        name,
        stream: stream.service,
        checkpoints: checkpoints.service,
        lakeDir: layout.lake,
        ...(options.lakeBufferHints ? { bufferHints: options.lakeBufferHints } : {}),
        onError: (message) => log(message),
      })
      lakes.push(lake)
      closers.push(() => lake.stop())
    }

    // The search index: rebuilt from the lake, then fed from the search stream.
    // Bounded: a long-running dashboard needs recent readings, not every one in memory.
    const searchDocuments = options.searchDocuments ?? DEFAULT_STACK_OPTIONS.searchDocuments
    const index = MemorySearchIndex.make({ maxDocuments: searchDocuments, recordRequests: false })
    const dashboard = makeStackDashboard({
      rules,
      index,
      lakeDir: layout.lake,
      maxDocuments: searchDocuments,
      deadLetters,
      emit,
      subscribe: (listener) => {
        events.add(listener)
        return () => events.delete(listener)
      },
    })
    closers.push(() => dashboard.close())
    let indexer: SearchIndexer | undefined
    if (searchStream) {
      const rebuilt = await dashboard.rebuildFromLake()
      if (rebuilt > 0) log(`search index: rebuilt ${rebuilt} documents from the lake`)
      indexer = await startSearchIndexer({
        stream: searchStream.service,
        index,
        onIndexed: dashboard.onIndexed,
        pollMs: options.pollIntervalMs ?? 50,
        onError: log,
      })
      closers.push(() => indexer?.stop())
    }

    // The broker, with the shadow service and the rules at its door.
    const shadows = await openShadowStore(join(layout.root, "shadows"))
    let broker: RunningBroker | undefined
    const router = makeRuleRouter({
      rules,
      sinks: {
        kinesis: (name) => kinesis.get(name)?.putRecords,
        firehose: (name) => firehose.get(name)?.putRecords,
        search: searchStream?.putRecords,
        republish: (topic, payload) =>
          broker?.publish(topic, Buffer.from(payload).toString("utf8")) ?? Promise.resolve(),
      },
      deadLetter: (letter) => observedDeadLetters.put([letter]),
    })
    const publishShadowMessages = (messages: ReadonlyArray<{ topic: string; payload: unknown }>) =>
      messages.map((message) => ({ topic: message.topic, payload: JSON.stringify(message.payload) }))
    broker = await startBroker({
      host: options.host,
      port: options.mqttPort,
      accept: router.accept,
      shadow: async (thing, operation, payload) =>
        publishShadowMessages(await shadows.handle(thing, operation, payload)),
      ...(options.policy ? { policy: options.policy } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    })
    const runningBroker = broker
    closers.push(() => runningBroker.close())
    for (const [thing, document] of shadows.all()) dashboard.deviceChanged(thing, document)
    shadows.onChange((thing, document) => dashboard.deviceChanged(thing, document))

    const started = Date.now()
    const status = (): PipelineStatus => {
      const routed = router.stats()
      const totals = mappings.map((m) => m.status().totals)
      const done = totals.reduce((sum, t) => sum + t.recordsDone + t.recordsDiscarded + t.recordsExpired, 0)
      const appended = [...kinesis.values()].reduce((sum, s) => sum + s.stats().records, 0)
      return {
        received: routed.received,
        routed: routed.routed,
        stored: counters.stored,
        delivered: dashboard.lakeDelivered(),
        deadLettered: counters.deadLettered + routed.failedActions,
        inFlight: Math.max(0, appended - done),
        lagMs: totals.reduce((max, t) => Math.max(max, t.iteratorAgeMs), 0),
        throughputPerSec: dashboard.throughput(counters.stored),
        connectedClients: runningBroker.connectedClients(),
        uptimeMs: Date.now() - started,
      }
    }
    const refreshLakeCount = () =>
      Promise.all(lakes.map((lake) => lake.stats())).then((stats) =>
        dashboard.setLakeDelivered(stats.reduce((sum, s) => sum + s.deliveredReadings, 0)),
      )
    const statusTimer = setInterval(() => {
      void refreshLakeCount().catch(() => {})
      emit({ type: "status", data: status() })
    }, 1_000)
    closers.push(() => clearInterval(statusTimer))
    // Runs after the lakes drained (closers run in reverse), so the final status counts them.
    closers.unshift(() => refreshLakeCount())

    const http: RunningHttpServer = await startHttpServer(
      dashboard.source({
        healthy: () => true,
        status,
        aggregates: projections.aggregates,
        alerts: projections.alerts,
        setWaitTime: async (deviceId, seconds) => {
          const messages = await shadows.handle(
            deviceId,
            "update",
            JSON.stringify({ state: { desired: { wait_time: seconds } } }),
          )
          for (const message of publishShadowMessages(messages))
            await runningBroker.publish(message.topic, message.payload)
          const rejected = messages.find((m) => m.topic.endsWith("/rejected"))
          if (rejected) throw new Error(String(rejected.payload.message))
          return { version: shadows.get(deviceId)?.version ?? 0 }
        },
      }),
      { host: options.host, port: options.httpPort, ...(options.token ? { token: options.token } : {}) },
    )
    closers.push(() => http.close())

    let fleet: Fleet | undefined
    if (options.devices > 0) {
      const brokerHost = options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host
      const auth = options.credentials
        ? `${encodeURIComponent(options.credentials.username)}:${encodeURIComponent(options.credentials.password)}@`
        : ""
      fleet = startFleet({
        broker: `mqtt://${auth}${brokerHost.includes(":") ? `[${brokerHost}]` : brokerHost}:${runningBroker.port}`,
        devices: options.devices,
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(options.sequence ? { sequence: true } : {}),
        ...(options.interval !== undefined ? { interval: options.interval } : {}),
        ...(options.namePrefix !== undefined ? { namePrefix: options.namePrefix } : {}),
        rampUpMs: Math.min(2_000, (options.interval ?? 5) * 1000),
      })
      const running = fleet
      closers.push(() => running.stop())
    }
    return {
      dashboardUrl: http.url,
      mqttUrl: runningBroker.url,
      dataDir: layout.root,
      status,
      fleet,
      stop: stopAll,
    }
  } catch (error) {
    await stopAll()
    throw error
  }
}
