export type { FileObjectStoreOptions } from "./fileObjectStore.ts"
export * as FileObjectStore from "./fileObjectStore.ts"
export { LakeProgress, type LakeStats } from "./lakeProgress.ts"
export * as LocalDeliveryStream from "./localDeliveryStream.ts"
export {
  LOCAL_DEFAULT_HINTS,
  type LocalDeliveryStream as LocalDeliveryStreamService,
  type LocalDeliveryStreamOptions,
} from "./localDeliveryStream.ts"
export {
  type LakeFeeder,
  type LakeFeederOptions,
  type LakeFeederStats,
  makeLakeFeeder,
} from "./streamToLake.ts"
export { type LakeTransform, PROCESSOR_MAX_BUFFER_BYTES } from "./transformStep.ts"
