import path from "node:path"
import { DeliveredLines, suite } from "@sluice/adapters-memory/contract"
import { ObjectStore } from "@sluice/core"
import { Effect, Layer } from "effect"
import { afterAll } from "vitest"
import * as FileObjectStore from "../../src/lake/fileObjectStore.ts"
import * as LocalDeliveryStream from "../../src/lake/localDeliveryStream.ts"
import { readObjects, removeDir, tempDir } from "./lakeFixtures.ts"

const parent = tempDir("sluice-delivery-")
afterAll(() => removeDir(parent))
let count = 0

const deliveredLines = Layer.effect(
  DeliveredLines,
  Effect.gen(function* () {
    const store = yield* ObjectStore
    return DeliveredLines.of({
      lines: () =>
        Effect.map(readObjects("telemetry/"), (objects) => objects.flatMap((o) => o.lines)).pipe(
          Effect.provideService(ObjectStore, store),
        ),
    })
  }),
)

suite("local (filesystem lake)", {
  deliveryStream: () =>
    Layer.mergeAll(LocalDeliveryStream.layer({ ticker: false, seed: count }), deliveredLines).pipe(
      Layer.provide(Layer.orDie(FileObjectStore.layer({ root: path.join(parent, `lake-${count++}`) }))),
    ),
})
