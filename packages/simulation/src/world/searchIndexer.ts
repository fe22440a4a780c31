/**
 * The search path: documents the rules' openSearch action appended to the `search` stream,
 * indexed with core's `indexDocuments` (planned within the index's limits, throttled items
 * retried with backoff) into the memory SearchIndex with its faults.
 *
 * Unlike the stack's indexer (whose index lives in memory and is rebuilt at start), the index
 * here stands for OpenSearch, a durable service: the indexer checkpoints each shard after the
 * records whose documents are all indexed or rejected. A document the index rejects for good
 * is dead-lettered (`search/<index>/<id>`), so it is accounted for; a transient failure stops
 * the shard at that record until the next step; a checkpoint the store refuses is retried at
 * every step. Positions are in-memory state.
 */
import {
  type DeadLetter,
  indexDocuments,
  SearchIndex,
  type StartPosition,
  searchDocumentFromRecord,
} from "@sluice/core"
import { Effect, Exit } from "effect"
import type { SimConfig } from "../scenario.ts"
import type { VirtualRuntime } from "../virtualRuntime.ts"
import { SEARCH_STREAM } from "./ledger.ts"
import type { Ports } from "./ports.ts"
import { rethrowCrash } from "./processCrash.ts"

export const SEARCH_CONSUMER = "search-indexer"
const READ_LIMIT = 50

export interface SearchStats {
  indexed: number
  rejected: number
  failedSteps: number
}

export const searchLetterId = (index: string, id: string) => `search/${index}/${id}`

export const makeSearchIndexer = (options: {
  readonly runtime: VirtualRuntime
  readonly ports: Ports
  readonly config: SimConfig
  readonly stats: SearchStats
}) => {
  const { runtime, ports, config, stats } = options
  const stream = ports.stream(SEARCH_STREAM)
  if (stream === undefined) throw new Error("no search stream")
  const positions = new Map<string, StartPosition>()
  /** Checkpoints the store refused, retried at every step until stored. */
  const unsaved = new Map<string, string>()
  const save = (shardId: string) => {
    const sequenceNumber = unsaved.get(shardId)
    if (sequenceNumber === undefined) return
    const exit = runtime.runSync(ports.checkpoints.set(SEARCH_CONSUMER, shardId, sequenceNumber))
    if (Exit.isSuccess(exit) && unsaved.get(shardId) === sequenceNumber) unsaved.delete(shardId)
  }

  const stepShard = (shardId: string) => {
    let position = positions.get(shardId)
    if (position === undefined) {
      const stored = runtime.runSync(ports.checkpoints.get(SEARCH_CONSUMER, shardId))
      if (Exit.isFailure(stored)) return
      position =
        stored.value === undefined
          ? { type: "TRIM_HORIZON" }
          : { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: stored.value }
      positions.set(shardId, position)
    }
    save(shardId)
    const read = runtime.runSync(stream.read(shardId, position, READ_LIMIT))
    if (Exit.isFailure(read) || read.value.records.length === 0) return
    const records = read.value.records
    const documents = records.map((record) => searchDocumentFromRecord(record.data))
    const sendable = documents.flatMap((document) => (document === undefined ? [] : [document]))
    const exit = runtime.runSync(
      indexDocuments(sendable, config.consumer.retry).pipe(Effect.provideService(SearchIndex, ports.search)),
    )
    rethrowCrash(exit, "the search indexer")
    if (Exit.isFailure(exit)) {
      stats.failedSteps++
      return
    }
    const results = exit.value
    // Settle records in order, stopping at the first with a document still to retry.
    const letters: DeadLetter[] = []
    let settled = 0
    let indexed = 0
    let next = 0
    for (const [i, record] of records.entries()) {
      const document = documents[i]
      if (document !== undefined) {
        const result = results[next++]
        if (result === undefined || (result._tag === "Failed" && result.error._tag !== "Poison")) break
        if (result._tag === "Indexed") indexed++
        else
          letters.push({
            id: searchLetterId(document.index, document.id),
            reason: `the search index rejects the document: ${result.error.reason}`,
            payload: Buffer.from(record.data).toString("base64"),
            source: { stream: SEARCH_STREAM, shardId, sequenceNumber: record.sequenceNumber },
            at: runtime.now(),
          })
      }
      settled = i + 1
    }
    if (letters.length > 0 && Exit.isFailure(runtime.runSync(ports.deadLetters.put(letters)))) {
      stats.failedSteps++
      return
    }
    stats.indexed += indexed
    stats.rejected += letters.length
    if (settled === 0) return
    const last = records[settled - 1]?.sequenceNumber as string
    positions.set(shardId, { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: last })
    // A checkpoint the store refuses lags and is retried; a restart meanwhile repeats indexing (an upsert).
    unsaved.set(shardId, last)
    save(shardId)
  }

  return {
    step: () => {
      for (const shard of ports.streams.get(SEARCH_STREAM)?.state.shards ?? []) stepShard(shard.shardId)
    },
  }
}

export type SearchIndexer = ReturnType<typeof makeSearchIndexer>
