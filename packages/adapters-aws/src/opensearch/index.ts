export {
  DASHBOARD_ID,
  type DashboardOptions,
  dashboardSavedObjects,
  dashboardsNdjson,
  INDEX_PATTERN_ID,
  VISUALIZATION_ID,
} from "./dashboards.ts"
export {
  type IndexTemplateOptions,
  indexTemplateBody,
  indexTemplateName,
  putIndexTemplate,
  TIME_FORMATS,
} from "./indexTemplate.ts"
export type { OpenSearchIndexOptions } from "./openSearchIndex.ts"
export * as OpenSearchIndex from "./openSearchIndex.ts"
export {
  type OpenSearchRequest,
  type OpenSearchResponse,
  type OpenSearchTransport,
  type SignedClientOptions,
  signedOpenSearchClient,
  transportOf,
} from "./transport.ts"
