export {
  DEFAULT_INDEX_PREFIX,
  dailyIndexName,
  dailyIndexPattern,
  invalidIndexNameReason,
  MAX_INDEX_NAME_BYTES,
  utcDayOf,
} from "./dailyIndex.ts"
export {
  bulkActionLine,
  bulkBody,
  bulkItemBytes,
  invalidDocumentIdReason,
  MAX_DOCUMENT_ID_BYTES,
  SEARCH_DEVICE_FIELD,
  SEARCH_TIME_FIELD,
  searchDocumentFromRecord,
  searchDocumentOf,
} from "./documents.ts"
export { indexDocuments } from "./indexDocuments.ts"
