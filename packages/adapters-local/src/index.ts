/**
 * @sluice/adapters-local — embedded, durable defaults for running the pipeline on one machine:
 * the file-backed stream log and checkpoints, the event-source-mapping runner, the SQLite table
 * and dead letters, and the data lake. Each adapter exports `make`/`layer` (Effect) under a
 * namespace, and a plain-Promise facade.
 */
export { type DataDirLayout, DEFAULT_DATA_DIR, DEFAULT_STREAM_NAME, dataDirLayout } from "./dataDir.ts"
// event source mapping (the local Lambda poller)
export * as EventSourceMapping from "./eventSourceMapping/eventSourceMappingRunner.ts"
export {
  type EventSourceMappingOptions,
  type EventSourceMappingRunner,
  type EventSourceMappingStatus,
  startEventSourceMapping,
} from "./eventSourceMapping/eventSourceMappingRunner.ts"
export { type LambdaContext, lambdaContextOf } from "./eventSourceMapping/lambdaContext.ts"
export {
  deadLettersOfDiscard,
  type OnFailureCallback,
  type OnFailureDestination,
} from "./eventSourceMapping/onFailureDestination.ts"
export type { KinesisLambdaHandler } from "./eventSourceMapping/shardPoller.ts"
export type { ShardStatus } from "./eventSourceMapping/shardStatus.ts"
// data lake: filesystem object store, local delivery stream (Firehose on one machine), its feeder, DuckDB queries
export * from "./lake/index.ts"
// projections: the SQLite projection store, the lake as history
export * from "./projections/index.ts"
export * from "./query/index.ts"
// stream log and checkpoints
export * as LocalCheckpoints from "./stream/localCheckpoints.ts"
export {
  type LocalCheckpoints as LocalCheckpointsFacade,
  openLocalCheckpoints,
} from "./stream/localCheckpoints.ts"
export * as LocalStream from "./stream/localStream.ts"
export {
  type LocalStream as LocalStreamFacade,
  type LocalStreamOptions,
  type LocalStreamStats,
  openLocalStream,
} from "./stream/localStream.ts"
export type { RetentionPolicy } from "./stream/shardLog.ts"

// SQLite table and dead letters
export type { SqliteDatabase, SqliteFileOptions } from "./table/sqliteDatabase.ts"
export * as SqliteDeadLetters from "./table/sqliteDeadLetters.ts"
export {
  type SqliteDeadLetters as SqliteDeadLettersFacade,
  sqliteDeadLetters,
} from "./table/sqliteDeadLetters.ts"
export * as SqliteTable from "./table/sqliteTable.ts"
export {
  type SqliteTable as SqliteTableFacade,
  type SqliteTableOptions,
  sqliteTable,
  sqliteTableLimits,
} from "./table/sqliteTable.ts"
