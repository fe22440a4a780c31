export {
  type ErrorCode,
  errorRecordLine,
  PROCESSING_FAILED,
  type ProcessingFailedRecord,
} from "./errorRecord.ts"
export {
  DEFAULT_ERROR_OUTPUT_PREFIX,
  DEFAULT_LAKE_PREFIX,
  GZIP_EXTENSION,
  LAKE_DATA_ROOT,
  LAKE_ERROR_ROOT,
  LAKE_PARTITION_COLUMNS,
} from "./lakeLayout.ts"
export {
  assertObjectKey,
  keySegmentProblem,
  MAX_KEY_SEGMENT_BYTES,
  MAX_OBJECT_KEY_BYTES,
  objectKeyProblem,
  objectPrefixProblem,
} from "./objectKey.ts"
export { firehoseObjectSuffix, uuidFromBytes } from "./objectName.ts"
export {
  evaluatePrefix,
  type PrefixPart,
  type PrefixTemplate,
  type PrefixValues,
  parsePrefix,
  partitionIdentity,
  partitionValueProblem,
  RANDOM_STRING_LENGTH,
  type TimeToken,
} from "./s3Prefix.ts"
