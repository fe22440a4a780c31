/**
 * Kinesis's choice of shard: the MD5 of the partition key (or the ExplicitHashKey), a 128-bit
 * integer, falls in one of N equal hash-key ranges of ⌊2^128 / N⌋, the last taking the rest.
 * A copy of adapters-local's, because adapters never import each other.
 */
import { createHash } from "node:crypto"

const HASH_SPACE = 1n << 128n

export const shardIdOf = (index: number): string => `shardId-${String(index).padStart(12, "0")}`

export const isValidHashKey = (text: string): boolean => /^\d{1,39}$/.test(text) && BigInt(text) < HASH_SPACE

export const shardIndexOf = (partitionKey: string, shardCount: number, explicitHashKey?: string): number => {
  const hashKey =
    explicitHashKey !== undefined
      ? BigInt(explicitHashKey)
      : BigInt(`0x${createHash("md5").update(partitionKey, "utf8").digest("hex")}`)
  const index = Number(hashKey / (HASH_SPACE / BigInt(shardCount)))
  return index < shardCount ? index : shardCount - 1
}
