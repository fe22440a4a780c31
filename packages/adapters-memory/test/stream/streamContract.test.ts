import { suite } from "../../src/contract/index.ts"
import { MemoryCheckpoints, MemoryStream } from "../../src/index.ts"

suite("memory", {
  stream: () => MemoryStream.layer({ shardCount: 3 }),
  checkpoints: () => MemoryCheckpoints.layer(),
})
suite("memory, one shard", { stream: () => MemoryStream.layer({ shardCount: 1 }) })
