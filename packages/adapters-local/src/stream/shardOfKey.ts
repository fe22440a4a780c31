/**
 * Which shard a record goes to, as Kinesis decides it: the MD5 of the partition key, read as a
 * 128-bit unsigned integer, falls into one shard's hash-key range (an ExplicitHashKey, a
 * decimal string, replaces the MD5). A stream created with N shards splits [0, 2^128) into N
 * equal ranges of ⌊2^128 / N⌋ keys, the last taking the remainder — the ranges CreateStream
 * gives (Kinesis API reference, HashKeyRange). Same key, same shard, hence per-key order.
 *
 * The memory stream (adapters-memory) carries its own copy: adapters never import each other.
 */
import * as crypto from "node:crypto"

const HASH_SPACE = 1n << 128n

// One-shot `crypto.hash` (Node ≥ 20.12) skips the Hash object createHash builds per call.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: "buffer") => Buffer }).hash
const md5 = (text: string): Buffer =>
  oneShot ? oneShot("md5", text, "buffer") : crypto.createHash("md5").update(text, "utf8").digest()

/** Kinesis shard ids look like `shardId-000000000000`. */
export const shardIdOf = (index: number): string => `shardId-${String(index).padStart(12, "0")}`

/** The 128-bit hash key of a partition key (or the explicit one), as a bigint. */
export const hashKeyOf = (partitionKey: string, explicitHashKey?: string): bigint => {
  if (explicitHashKey !== undefined) return BigInt(explicitHashKey)
  const digest = md5(partitionKey)
  return (digest.readBigUInt64BE(0) << 64n) | digest.readBigUInt64BE(8)
}

/** Whether a string is a valid ExplicitHashKey: a decimal integer in [0, 2^128). */
export const isValidHashKey = (text: string): boolean => /^\d{1,39}$/.test(text) && BigInt(text) < HASH_SPACE

/** The index of the shard owning a hash key, among `shardCount` evenly split shards. */
export const shardIndexOf = (hashKey: bigint, shardCount: number): number => {
  const width = HASH_SPACE / BigInt(shardCount)
  const index = Number(hashKey / width)
  return index < shardCount ? index : shardCount - 1
}
