/**
 * The PostgreSQL sink against a real server this test starts (startPostgres.ts): the shared
 * Table contract suite — each test in a fresh schema — plus what is particular to PostgreSQL:
 * concurrent latest-state writes, Poison for what jsonb refuses, Fatal for a missing table,
 * Retryable when the server is gone. If PostgreSQL cannot start, these tests fail.
 */
import { suite } from "@sluice/adapters-memory/contract"
import { type Item, Table, tableServiceOf } from "@sluice/core"
import { Effect, Layer } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createTables, postgresTable, quoteName } from "../src/index.ts"
import { type PostgresServer, startPostgres } from "./startPostgres.ts"

let server: PostgresServer
let pool: pg.Pool
beforeAll(async () => {
  server = await startPostgres()
  pool = new pg.Pool({
    host: server.host,
    port: server.port,
    user: server.user,
    database: server.database,
    max: 4,
  })
}, 120_000)
afterAll(async () => {
  await pool?.end()
  await server?.stop()
}, 60_000)

let schemas = 0
/** A fresh schema with both tables, dropped when the test's layer is released. */
const freshTable = Effect.acquireRelease(
  Effect.promise(async () => {
    const schema = `contract_${++schemas}`
    await pool.query(`CREATE SCHEMA ${quoteName(schema)}`)
    const names = { readingsTable: `${schema}.readings`, latestTable: `${schema}.latest_state` }
    await createTables(pool, names)
    return { schema, table: postgresTable({ pool, ...names }) }
  }),
  ({ schema }) =>
    Effect.promise(() => pool.query(`DROP SCHEMA ${quoteName(schema)} CASCADE`).then(() => undefined)),
)

suite("postgresql (examples/postgres-sink)", {
  table: () =>
    Layer.effect(
      Table,
      Effect.map(freshTable, ({ table }) => tableServiceOf(table)),
    ),
})

const item = (deviceId: string, ts: string, extra: Record<string, unknown> = {}): Item =>
  ({ DEVICE_NAME: deviceId, TEMPERATURE: 21, HUMIDITY: 50, ...extra, deviceId, ts }) as Item

const withTable = <A>(body: (table: ReturnType<typeof postgresTable>) => Promise<A>) =>
  Effect.runPromise(
    Effect.scoped(Effect.flatMap(freshTable, ({ table }) => Effect.promise(() => body(table)))),
  )

const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise
  } catch (error) {
    return error as { _tag: string; reason: string }
  }
  throw new Error("expected a rejection")
}

describe("PostgreSQL sink specifics", () => {
  it("lets exactly the newest of many concurrent latest-state writes win", () =>
    withTable(async (table) => {
      const times = Array.from({ length: 40 }, (_, i) => `t${String((i * 17) % 40).padStart(2, "0")}`)
      const results = await Promise.all(times.map((ts) => table.putLatestIfNewer(item("dev", ts))))
      expect(await table.getLatest("dev")).toEqual(item("dev", "t39"))
      for (const result of results) if (!result.written) expect(result.existing).toBeDefined()
    }))

  it("rejects what jsonb cannot hold as Poison, and a missing table as Fatal", () =>
    withTable(async (table) => {
      expect((await rejection(table.put(item("dev", "t1", { note: "nul \u0000 inside" }))))._tag).toBe(
        "Poison",
      )
      const missing = postgresTable({ pool, readingsTable: "no_such_schema.readings" })
      expect((await rejection(missing.scan()))._tag).toBe("Fatal")
    }))

  it("reports an unreachable server as Retryable", async () => {
    const nowhere = new pg.Pool({
      host: "127.0.0.1",
      port: 9,
      user: "sluice",
      connectionTimeoutMillis: 2_000,
    })
    try {
      expect((await rejection(postgresTable({ pool: nowhere }).scan()))._tag).toBe("Retryable")
    } finally {
      await nowhere.end()
    }
  })
})
