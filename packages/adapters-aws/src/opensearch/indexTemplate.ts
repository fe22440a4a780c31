/**
 * The index template of the daily telemetry indexes, and a call that installs it.
 *
 * Without it OpenSearch maps fields by guesswork from the first document of each day: a device
 * name becomes analysed `text` (so term filters and per-device aggregations fail), an integer
 * temperature becomes `long` (so a later 21.5 is stored as 21), and date detection may or may
 * not catch the time. The template fixes the reading's time (`timestamp`) as a `date` — the
 * Dashboards time field — the device as `keyword`, temperature and humidity as `float`, and
 * every other string as a `keyword`; date detection is off so a string field's type never
 * depends on which document came first. One shard per daily index: a day of telemetry is far
 * below the ~10–50 GiB a shard is sized for. Replicas default to 0 for a one-node domain (a
 * replica can never be allocated there and would keep the cluster yellow); raise it with nodes.
 */
import { DEFAULT_INDEX_PREFIX, dailyIndexPattern, SEARCH_DEVICE_FIELD, SEARCH_TIME_FIELD } from "@sluice/core"
import { Effect } from "effect"
import { errorOfFailure, errorOfStatus } from "./responses.ts"
import type { OpenSearchTransport } from "./transport.ts"

export interface IndexTemplateOptions {
  readonly indexPrefix?: string
  readonly replicas?: number
  /** How soon writes become searchable; longer is cheaper on small domains. */
  readonly refreshInterval?: string
}

/** The date formats the time field accepts: the canonical time (with or without zone) or epoch ms. */
export const TIME_FORMATS = "strict_date_optional_time||epoch_millis"

export const indexTemplateName = (prefix: string = DEFAULT_INDEX_PREFIX): string => `${prefix}-daily`

export const indexTemplateBody = (options: IndexTemplateOptions = {}): Record<string, unknown> => ({
  index_patterns: [dailyIndexPattern(options.indexPrefix)],
  priority: 100,
  template: {
    settings: {
      number_of_shards: 1,
      number_of_replicas: options.replicas ?? 0,
      refresh_interval: options.refreshInterval ?? "5s",
    },
    mappings: {
      date_detection: false,
      dynamic_templates: [
        {
          strings_as_keywords: {
            match_mapping_type: "string",
            mapping: { type: "keyword", ignore_above: 256 },
          },
        },
      ],
      properties: {
        [SEARCH_TIME_FIELD]: { type: "date", format: TIME_FORMATS },
        [SEARCH_DEVICE_FIELD]: { type: "keyword" },
        TEMPERATURE: { type: "float" },
        HUMIDITY: { type: "float" },
      },
    },
  },
})

/** Installs (or replaces) the template; indexes created afterwards use it. */
export const putIndexTemplate = (transport: OpenSearchTransport, options: IndexTemplateOptions = {}) =>
  Effect.tryPromise({
    try: () =>
      transport.request(
        {
          method: "PUT",
          path: `/_index_template/${indexTemplateName(options.indexPrefix)}`,
          body: indexTemplateBody(options),
        },
        { maxRetries: 0 },
      ),
    catch: errorOfFailure,
  }).pipe(
    Effect.flatMap((response) =>
      response.statusCode !== null && response.statusCode >= 300
        ? Effect.fail(errorOfStatus(response.statusCode, response.body, response.headers))
        : Effect.void,
    ),
  )
