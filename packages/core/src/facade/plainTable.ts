/**
 * The plain-Promise face of the Table port, for people who don't use Effect.
 *
 * `PlainTable` is the Table port with Promises: implement it to plug any store into the
 * handlers (see examples/postgres-sink). Rejections are classified with `toDeliveryError`: our
 * own error classes keep their meaning, anything else counts as Retryable. An object may also
 * carry the Effect service itself under `service` (the memory, SQLite and DynamoDB adapters
 * do), and then no conversion happens at all.
 */
import { Effect } from "effect"
import { toDeliveryError } from "../delivery/errors.ts"
import type {
  BatchWriteResult,
  ConditionalPutResult,
  Item,
  Table,
  TableKey,
  TimeRange,
} from "../ports/table.ts"

export interface PlainTable {
  readonly limits: Table["Service"]["limits"]
  put(item: Item): Promise<void>
  batchWrite(items: ReadonlyArray<Item>): Promise<BatchWriteResult>
  get(key: TableKey): Promise<Item | undefined>
  query(deviceId: string, range?: TimeRange): Promise<ReadonlyArray<Item>>
  scan(): Promise<ReadonlyArray<Item>>
  putLatestIfNewer(item: Item): Promise<ConditionalPutResult>
  getLatest(deviceId: string): Promise<Item | undefined>
  scanLatest(): Promise<ReadonlyArray<Item>>
}

/** Anything the handlers accept as a table. */
export type TableLike = PlainTable | { readonly service: Table["Service"] }

const lift =
  <Args extends ReadonlyArray<unknown>, A>(f: (...args: Args) => Promise<A>) =>
  (...args: Args) =>
    Effect.tryPromise({ try: () => f(...args), catch: toDeliveryError })

/** The Effect service behind a plain table. */
export const tableServiceOf = (table: TableLike): Table["Service"] => {
  if ("service" in table) return table.service
  return {
    limits: table.limits,
    put: lift((item: Item) => table.put(item)),
    batchWrite: lift((items: ReadonlyArray<Item>) => table.batchWrite(items)),
    get: lift((key: TableKey) => table.get(key)),
    query: lift((deviceId: string, range?: TimeRange) => table.query(deviceId, range)),
    scan: lift(() => table.scan()),
    putLatestIfNewer: lift((item: Item) => table.putLatestIfNewer(item)),
    getLatest: lift((deviceId: string) => table.getLatest(deviceId)),
    scanLatest: lift(() => table.scanLatest()),
  }
}

/** A plain table over an Effect service: each call runs the service's effect as a Promise. */
export const plainTableOf = (
  service: Table["Service"],
): PlainTable & { readonly service: Table["Service"] } => ({
  service,
  limits: service.limits,
  put: (item) => Effect.runPromise(service.put(item)),
  batchWrite: (items) => Effect.runPromise(service.batchWrite(items)),
  get: (key) => Effect.runPromise(service.get(key)),
  query: (deviceId, range) => Effect.runPromise(service.query(deviceId, range)),
  scan: () => Effect.runPromise(service.scan()),
  putLatestIfNewer: (item) => Effect.runPromise(service.putLatestIfNewer(item)),
  getLatest: (deviceId) => Effect.runPromise(service.getLatest(deviceId)),
  scanLatest: () => Effect.runPromise(service.scanLatest()),
})
