import { join } from "node:path"
import { suite } from "@sluice/adapters-memory/contract"
import { ProjectionStore } from "@sluice/core"
import { Effect, Layer } from "effect"
import * as SqliteProjectionStore from "../../src/projections/sqliteProjectionStore.ts"
import { scopedTempDir } from "../stream/tempDirs.ts"

suite("sqlite", {
  projectionStore: () =>
    Layer.effect(
      ProjectionStore,
      Effect.flatMap(scopedTempDir("sluice-projections-"), (dir) =>
        SqliteProjectionStore.make({ path: join(dir, "projections.sqlite") }),
      ),
    ),
})
