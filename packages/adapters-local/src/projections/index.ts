export { localLakeHistory } from "./localLakeHistory.ts"
export * as SqliteProjectionStore from "./sqliteProjectionStore.ts"
export {
  type SqliteProjectionStore as SqliteProjectionStoreFacade,
  type SqliteProjectionStoreOptions,
  sqliteProjectionStore,
} from "./sqliteProjectionStore.ts"
