/**
 * The stream directory's manifest, `stream.json`: the stream's name and shard count, written
 * once (atomically) when the stream is created. The shard count cannot change afterwards — the
 * hash-key ranges of the shards, hence where every key's records live, depend on it.
 *
 * Also here: the per-entry checks Kinesis applies to PutRecords.
 */
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { type BatchLimits, Fatal, type StreamEntry } from "@sluice/core"
import { writeFileAtomic } from "./durableFiles.ts"
import { isValidHashKey } from "./shardOfKey.ts"

export const DEFAULT_SHARDS = 2
/** Kinesis partition keys are 1 to 256 Unicode characters (PutRecords API reference). */
const MAX_PARTITION_KEY_CHARS = 256

export interface Manifest {
  readonly format: "sluice-stream-log/1"
  readonly name: string
  readonly shardCount: number
}

export const loadManifest = async (
  dir: string,
  name: string,
  shardCount: number | undefined,
): Promise<Manifest> => {
  const path = join(dir, "stream.json")
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined
    throw error
  })
  if (text === undefined) {
    const manifest: Manifest = {
      format: "sluice-stream-log/1",
      name,
      shardCount: shardCount ?? DEFAULT_SHARDS,
    }
    if (!Number.isInteger(manifest.shardCount) || manifest.shardCount < 1)
      throw new Fatal({ reason: `shardCount must be a positive integer, not ${manifest.shardCount}` })
    await writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`)
    return manifest
  }
  const manifest = JSON.parse(text) as Manifest
  if (manifest.format !== "sluice-stream-log/1")
    throw new Fatal({ reason: `${path} is not a sluice stream log (format ${String(manifest.format)})` })
  if (shardCount !== undefined && shardCount !== manifest.shardCount)
    throw new Fatal({
      reason: `stream ${manifest.name} in ${dir} has ${manifest.shardCount} shards, not ${shardCount} (the shard count is fixed at creation)`,
    })
  return manifest
}

/** Why Kinesis would refuse this entry, if it would. */
export const entryProblem = (
  entry: StreamEntry,
  key: Uint8Array,
  limits: BatchLimits,
): string | undefined => {
  // UTF-16 units bound the code points from above: count them only for a long key.
  const units = entry.partitionKey.length
  const chars = units <= MAX_PARTITION_KEY_CHARS ? units : [...entry.partitionKey].length
  if (chars < 1 || chars > MAX_PARTITION_KEY_CHARS)
    return `partition key must be 1 to ${MAX_PARTITION_KEY_CHARS} characters, not ${chars}`
  if (key.length + entry.data.length > limits.maxRecordBytes)
    return `record is ${key.length + entry.data.length} bytes with its partition key, over the ${limits.maxRecordBytes}-byte limit`
  if (entry.explicitHashKey !== undefined && !isValidHashKey(entry.explicitHashKey))
    return `explicit hash key "${entry.explicitHashKey}" is not a decimal integer below 2^128`
  return undefined
}
