import { join } from "node:path"
import { suite } from "@sluice/adapters-memory/contract"
import { Checkpoints, Stream } from "@sluice/core"
import { Effect, Layer } from "effect"
import * as LocalCheckpoints from "../../src/stream/localCheckpoints.ts"
import * as LocalStream from "../../src/stream/localStream.ts"
import { scopedTempDir } from "./tempDirs.ts"

const streamLayer = (options: Partial<LocalStream.LocalStreamOptions> = {}) =>
  Layer.effect(
    Stream,
    Effect.gen(function* () {
      const dir = yield* scopedTempDir("sluice-stream-")
      return (yield* LocalStream.make({ dir: join(dir, "telemetry"), ...options })).service
    }),
  )

const checkpointsLayer = Layer.effect(
  Checkpoints,
  Effect.map(scopedTempDir("sluice-checkpoints-"), (dir) => LocalCheckpoints.make({ dir })),
)

suite("local file log", { stream: () => streamLayer({ shardCount: 3 }), checkpoints: () => checkpointsLayer })
// Tiny segments: every read and order property also runs across many segment files.
suite("local file log, 200-byte segments", {
  stream: () => streamLayer({ shardCount: 2, segmentBytes: 200 }),
})
