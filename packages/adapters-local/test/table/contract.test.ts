import { join } from "node:path"
import { suite } from "@sluice/adapters-memory/contract"
import { DeadLetters, Table } from "@sluice/core"
import { Effect, Layer } from "effect"
import * as SqliteDeadLetters from "../../src/table/sqliteDeadLetters.ts"
import * as SqliteTable from "../../src/table/sqliteTable.ts"
import { scopedTempDir } from "../stream/tempDirs.ts"

suite("sqlite", {
  table: () =>
    Layer.effect(
      Table,
      Effect.flatMap(scopedTempDir("sluice-sqlite-"), (dir) =>
        SqliteTable.make({ path: join(dir, "table.sqlite") }),
      ),
    ),
  deadLetters: () =>
    Layer.effect(
      DeadLetters,
      Effect.flatMap(scopedTempDir("sluice-sqlite-"), (dir) =>
        SqliteDeadLetters.make({ path: join(dir, "deadletters.sqlite") }),
      ),
    ),
})
