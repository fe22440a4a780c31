/**
 * The dashboard's view of the running stack: devices and their readings from the search index,
 * wait_time from the shadows, dead letters from their table, queries over the lake with DuckDB,
 * and live events. Implements `DashboardSource` for the HTTP server.
 */

import { type Lake, LakeQueryError, openLake } from "@sluice/adapters-local"
import {
  type JsonObject,
  type PlainDeadLetters,
  type RuleSet,
  SEARCH_DEVICE_FIELD,
  SEARCH_TIME_FIELD,
  type SearchDocument,
  type SearchIndex,
  type ShadowDocument,
} from "@sluice/core"
import { Effect } from "effect"
import type {
  DashboardEvent,
  DashboardSource,
  DeviceSummary,
  PipelineStatus,
  ReadingPoint,
} from "./http/dashboardSource.ts"
import { renderMetrics } from "./http/metrics.ts"
import { indexAll, searchDocumentsOfLakeRows } from "./searchIndexer.ts"

const INDEX_PATTERN = "telemetry-*"
const THROUGHPUT_WINDOW_MS = 5_000

/** Epoch ms of a reading's time; zone-less times are read as UTC, as the lake partitions them. */
export const timeOf = (value: unknown): number | undefined => {
  if (typeof value === "number") return value
  if (typeof value !== "string") return undefined
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(value)
  const t = Date.parse(zoned ? value : `${value}Z`)
  return Number.isNaN(t) ? undefined : t
}

const waitTimeOf = (section: JsonObject | undefined) =>
  typeof section?.wait_time === "number" ? section.wait_time : undefined

export const makeStackDashboard = (options: {
  readonly rules: RuleSet
  readonly index: SearchIndex["Service"]
  readonly lakeDir: string
  /** Most documents the rebuild loads (the index's bound). */
  readonly maxDocuments: number
  readonly deadLetters: PlainDeadLetters
  readonly emit: (event: DashboardEvent) => void
  readonly subscribe: (listener: (event: DashboardEvent) => void) => () => void
}) => {
  const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
  const lastSeen = new Map<string, { at: number; latest: JsonObject }>()
  const shadows = new Map<string, ShadowDocument | undefined>()
  let lake: Promise<Lake> | undefined
  let lakeDelivered = 0
  const storedSamples: Array<[number, number]> = []

  const summaryOf = (deviceId: string): DeviceSummary => {
    const seen = lastSeen.get(deviceId)
    const shadow = shadows.get(deviceId)
    return {
      deviceId,
      lastSeen: seen?.at,
      latest: seen?.latest,
      reportedWaitTime: waitTimeOf(shadow?.state.reported),
      desiredWaitTime: waitTimeOf(shadow?.state.desired),
    }
  }

  const pointOf = (source: JsonObject): ReadingPoint | undefined => {
    const t = timeOf(source[SEARCH_TIME_FIELD])
    return t === undefined ? undefined : { t, fields: source }
  }

  const onIndexed = (documents: ReadonlyArray<SearchDocument>) => {
    const now = Date.now()
    for (const document of documents) {
      const deviceId = document.source[SEARCH_DEVICE_FIELD]
      if (typeof deviceId !== "string") continue
      lastSeen.set(deviceId, { at: now, latest: document.source })
      const point = pointOf(document.source)
      if (point) options.emit({ type: "reading", data: { deviceId, ...point } })
      options.emit({ type: "device", data: summaryOf(deviceId) })
    }
  }

  /**
   * Devices known from history (the lake, newest first): listed as last seen at their newest
   * reading's time, so a restarted dashboard lists them before they publish again.
   */
  const rememberDevices = (documents: ReadonlyArray<SearchDocument>) => {
    for (const document of documents) {
      const deviceId = document.source[SEARCH_DEVICE_FIELD]
      if (typeof deviceId !== "string" || lastSeen.has(deviceId)) continue
      lastSeen.set(deviceId, {
        at: timeOf(document.source[SEARCH_TIME_FIELD]) ?? Date.now(),
        latest: document.source,
      })
    }
  }

  const lakeQuery = () => {
    lake ??= openLake({ lakeDir: options.lakeDir, readOnly: true })
    return lake
  }

  const source = (extra: {
    readonly healthy: () => boolean
    readonly status: () => PipelineStatus
    readonly setWaitTime: DashboardSource["setWaitTime"]
    readonly aggregates?: DashboardSource["aggregates"]
    readonly alerts?: DashboardSource["alerts"]
  }): DashboardSource => ({
    ...(extra.aggregates === undefined ? {} : { aggregates: extra.aggregates }),
    ...(extra.alerts === undefined ? {} : { alerts: extra.alerts }),
    healthy: extra.healthy,
    status: extra.status,
    metrics: () => renderMetrics(extra.status()),
    devices: async () => {
      const names = new Set([...lastSeen.keys(), ...[...shadows.keys()]])
      return [...names].sort().map(summaryOf)
    },
    readings: async (deviceId, limit) => {
      const hits = await run(
        options.index.search({
          index: INDEX_PATTERN,
          terms: { [SEARCH_DEVICE_FIELD]: deviceId },
          sort: { field: SEARCH_TIME_FIELD, order: "desc" },
          size: limit,
        }),
      ).catch(() => [])
      return hits.flatMap((hit) => pointOf(hit.source) ?? []).reverse()
    },
    deadLetters: async (limit) => (await options.deadLetters.list()).slice(-limit).reverse(),
    setWaitTime: extra.setWaitTime,
    query: async (sql, limit) => {
      try {
        const result = await (await lakeQuery()).query(sql, { limit })
        return { ok: true, columns: result.columns, rows: result.rows }
      } catch (error) {
        return {
          ok: false,
          error: error instanceof LakeQueryError || error instanceof Error ? error.message : String(error),
        }
      }
    },
    subscribe: options.subscribe,
  })

  return {
    source,
    onIndexed,
    /** Fills the index from the lake's readings (history older than the search stream keeps). */
    rebuildFromLake: async (): Promise<number> => {
      // The newest readings only: the index keeps a bounded number anyway.
      const result = await (await lakeQuery())
        .query(`SELECT * FROM telemetry ORDER BY ts DESC LIMIT ${options.maxDocuments}`)
        .catch(() => undefined)
      if (!result || result.rows.length === 0) return 0
      const documents = searchDocumentsOfLakeRows(result.rows, options.rules)
      const stats = { indexed: 0, rejected: 0 }
      for (let i = 0; i < documents.length; i += 5_000)
        rememberDevices(await indexAll(options.index, documents.slice(i, i + 5_000), stats))
      await run(options.index.refresh(INDEX_PATTERN))
      return stats.indexed
    },
    deviceChanged: (thing: string, document: ShadowDocument | undefined) => {
      shadows.set(thing, document)
      options.emit({ type: "device", data: summaryOf(thing) })
    },
    setLakeDelivered: (n: number) => {
      lakeDelivered = n
    },
    lakeDelivered: () => lakeDelivered,
    /** Readings stored per second over the last few seconds, from samples of the stored count. */
    throughput: (stored: number): number => {
      const now = Date.now()
      storedSamples.push([now, stored])
      while (storedSamples.length > 2 && (storedSamples[0]?.[0] ?? now) < now - THROUGHPUT_WINDOW_MS)
        storedSamples.shift()
      const [t0, s0] = storedSamples[0] ?? [now, stored]
      return now - t0 > 0 ? ((stored - s0) * 1000) / (now - t0) : 0
    },
    close: async () => {
      if (lake) (await lake).close()
    },
  }
}
