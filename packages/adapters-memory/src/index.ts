/**
 * @sluice/adapters-memory — every port in memory, with seeded fault injection, for tests,
 * simulations and benchmarks. The shared contract suite is at `@sluice/adapters-memory/contract`.
 */
export * as MemoryDeadLetters from "./deadLetters/memoryDeadLetters.ts"
export {
  type MemoryDeadLetters as MemoryDeadLettersFacade,
  memoryDeadLetters,
} from "./deadLetters/memoryDeadLetters.ts"
export * as MemoryDeliveryStream from "./deliveryStream/memoryDeliveryStream.ts"
export {
  type MemoryDeliveryStreamOptions,
  type MemoryDeliveryStreamState,
  memoryDeliveryStream,
} from "./deliveryStream/memoryDeliveryStream.ts"
export {
  type FaultInjector,
  type FaultKind,
  type FaultPlan,
  makeFaultInjector,
  SimulatedCrash,
} from "./faults.ts"
export * as MemoryObjectStore from "./objectStore/memoryObjectStore.ts"
export {
  type MemoryObjectStoreOptions,
  type MemoryObjectStoreState,
  memoryObjectStore,
} from "./objectStore/memoryObjectStore.ts"
export * as MemoryProjectionStore from "./projectionStore/memoryProjectionStore.ts"
export {
  type MemoryProjectionStore as MemoryProjectionStoreFacade,
  type MemoryProjectionStoreOptions,
  type MemoryProjectionStoreState,
  memoryProjectionStore,
} from "./projectionStore/memoryProjectionStore.ts"
export type {
  MemorySearchIndexOptions,
  MemorySearchIndexState,
} from "./searchIndex/memorySearchIndex.ts"
export * as MemorySearchIndex from "./searchIndex/memorySearchIndex.ts"
export { type SeededRandom, seededRandom } from "./seededRandom.ts"
export * as MemoryCheckpoints from "./stream/memoryCheckpoints.ts"
export {
  type MemoryCheckpoints as MemoryCheckpointsFacade,
  type MemoryCheckpointsOptions,
  memoryCheckpoints,
} from "./stream/memoryCheckpoints.ts"
export * as MemoryStream from "./stream/memoryStream.ts"
export {
  type MemoryStream as MemoryStreamFacade,
  type MemoryStreamOptions,
  type MemoryStreamState,
  memoryStream,
  type StreamFaultPlan,
} from "./stream/memoryStream.ts"
export * as MemoryTable from "./table/memoryTable.ts"
export {
  type MemoryTable as MemoryTableFacade,
  type MemoryTableOptions,
  type MemoryTableState,
  memoryTable,
} from "./table/memoryTable.ts"
