/**
 * The search index behind the dashboard: an in-memory SearchIndex filled from the durable
 * `search` stream (what the rules' openSearch actions deliver) and, at start, rebuilt from the
 * lake for history older than the stream keeps.
 *
 * The index lives in memory, so the indexer keeps no checkpoint: every start reads the search
 * stream from its trim horizon. Documents carry the rule's deterministic ids, so reading a
 * record twice (from the lake and from the stream, or after a retry) overwrites, never
 * duplicates. A document the index rejects for good (a bad id, a mapping conflict) is counted
 * and skipped; a transient failure pauses the shard and retries the same records.
 */

import { randomUUID } from "node:crypto"
import {
  indexDocuments,
  type JsonObject,
  LAKE_PARTITION_COLUMNS,
  type ReadResult,
  type RuleSet,
  type SearchDocument,
  SearchIndex,
  type StartPosition,
  type Stream,
  searchDocumentFromRecord,
} from "@sluice/core"
import { Effect, Layer } from "effect"

export interface SearchIndexerStats {
  indexed: number
  rejected: number
}

export interface SearchIndexer {
  readonly stats: () => Readonly<SearchIndexerStats>
  readonly stop: () => Promise<void>
}

/** Indexes documents; resolves with the ones indexed, having counted the rejected. */
export const indexAll = async (
  index: SearchIndex["Service"],
  documents: ReadonlyArray<SearchDocument>,
  stats: SearchIndexerStats,
): Promise<ReadonlyArray<SearchDocument>> => {
  const results = await Effect.runPromise(
    indexDocuments(documents).pipe(Effect.provide(Layer.succeed(SearchIndex, index))),
  )
  const indexed: SearchDocument[] = []
  results.forEach((result, i) => {
    if (result._tag === "Indexed") indexed.push(documents[i] as SearchDocument)
    else if (result.error._tag === "Poison") stats.rejected++
    else throw result.error
  })
  stats.indexed += indexed.length
  return indexed
}

export const startSearchIndexer = async (options: {
  readonly stream: Stream["Service"]
  readonly index: SearchIndex["Service"]
  /** Called with each batch of documents made searchable. */
  readonly onIndexed: (documents: ReadonlyArray<SearchDocument>) => void
  readonly pollMs?: number
  readonly onError?: (message: string) => void
}): Promise<SearchIndexer> => {
  const stats: SearchIndexerStats = { indexed: 0, rejected: 0 }
  const shards = await Effect.runPromise(options.stream.listShards())
  let stopped = false
  let wake: (() => void) | undefined
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  const loop = async (shardId: string) => {
    let position: StartPosition = { type: "TRIM_HORIZON" }
    while (!stopped) {
      try {
        const batch: ReadResult = await Effect.runPromise(options.stream.read(shardId, position, 500))
        const documents = batch.records.flatMap((record) => {
          const document = searchDocumentFromRecord(record.data)
          if (!document) stats.rejected++
          return document ? [document] : []
        })
        if (documents.length > 0) options.onIndexed(await indexAll(options.index, documents, stats))
        position = batch.next
        if (batch.records.length === 0) await pause(options.pollMs ?? 100)
      } catch (error) {
        options.onError?.(
          `search indexer (${shardId}): ${error instanceof Error ? error.message : String(error)}`,
        )
        await pause(1_000)
      }
    }
  }
  const loops = shards.map(loop)
  return {
    stats: () => stats,
    stop: async () => {
      stopped = true
      wake?.()
      await Promise.all(loops)
    },
  }
}

const NOT_PAYLOAD = new Set<string>([
  "deviceId",
  "ts",
  ...LAKE_PARTITION_COLUMNS.map((column) => column.name),
])

/**
 * Rebuilds search documents from lake rows: each row becomes the payload it was published as
 * (its fields, without the lake's key and partition columns), routed through the rules' openSearch
 * actions exactly as when it arrived.
 */
export const searchDocumentsOfLakeRows = (
  rows: ReadonlyArray<JsonObject>,
  rules: RuleSet,
): SearchDocument[] => {
  const documents: SearchDocument[] = []
  for (const row of rows) {
    const payload = Object.fromEntries(
      Object.entries(row).filter(([key, value]) => !NOT_PAYLOAD.has(key) && value !== null),
    )
    const deviceId = typeof row.deviceId === "string" ? row.deviceId : String(payload.DEVICE_NAME ?? "")
    const matches = rules.route(
      { topic: `data/${deviceId}`, json: payload },
      { timestampMs: Date.now(), newUuid: randomUUID },
    )
    for (const match of matches) {
      for (const invocation of match.invocations) {
        if (invocation.type !== "openSearch") continue
        const source = invocation.payload
        if (
          typeof source !== "object" ||
          source === null ||
          Array.isArray(source) ||
          source instanceof Uint8Array
        )
          continue
        documents.push({
          index: String(invocation.params.index),
          id: String(invocation.params.id),
          source: source as JsonObject,
        })
      }
    }
  }
  return documents
}
