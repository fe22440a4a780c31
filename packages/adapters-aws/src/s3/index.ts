export type { S3Api } from "./s3Api.ts"
export { classifyS3Error, type S3Error } from "./s3Errors.ts"
export type { S3ObjectStoreOptions } from "./s3ObjectStore.ts"
export * as S3ObjectStore from "./s3ObjectStore.ts"
