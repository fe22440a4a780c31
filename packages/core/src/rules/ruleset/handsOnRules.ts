/**
 * The hands-on pipeline's rules, as data: every reading to the stream and to the data lake,
 * and a slimmed copy to the search index. `rules/hands-on.rules.json` at the repository root is
 * this value as JSON (a test keeps them equal); the local stack and the CDK stack read that file.
 *
 * - The stream's partition key is the device (`${topic(2)}` of `data/<device>`), so a device's
 *   readings stay in order on one shard.
 * - Firehose separates records with a newline, so the lake holds JSON lines.
 * - The search document's index and id are computed from the reading itself, not from the time
 *   it arrived: `${}` templates see the original payload (not the SELECT aliases), so the index
 *   is the reading's own day (`substring(TIMESTAMP, 0, 10)` of "YYYY-MM-DDTHH:MM:SS") and the id
 *   is device + timestamp. A replayed reading lands on the same document in the same index
 *   instead of duplicating; `parse_time(…, timestamp())` would file a replay under the day of
 *   the replay.
 *
 * The endpoint is the local search index; the CDK stack substitutes its domain and role ARNs.
 */
import type { RulesFile } from "./topicRulePayload.ts"

export const HANDS_ON_TOPIC_FILTER = "data/+"

export const handsOnRules: RulesFile = {
  rules: {
    telemetry_to_stream: {
      sql: "SELECT * FROM 'data/+'",
      awsIotSqlVersion: "2016-03-23",
      description:
        "Every reading to the Kinesis stream, partitioned by device so each device's readings stay ordered.",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT substitution template, not a JavaScript one
      actions: [{ kinesis: { streamName: "telemetry", partitionKey: "${topic(2)}" } }],
    },
    telemetry_to_lake: {
      sql: "SELECT * FROM 'data/+'",
      awsIotSqlVersion: "2016-03-23",
      description:
        "Every reading to the Firehose delivery stream that fills the data lake, one JSON object per line.",
      actions: [{ firehose: { deliveryStreamName: "telemetry-lake", separator: "\n" } }],
    },
    telemetry_to_search: {
      sql: "SELECT TIMESTAMP as timestamp, HUMIDITY, TEMPERATURE, DEVICE_NAME FROM 'data/+'",
      awsIotSqlVersion: "2016-03-23",
      description:
        "Readings to the search index: one index per day of the reading, one document per device and timestamp.",
      actions: [
        {
          openSearch: {
            endpoint: "http://localhost:9200",
            // biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT substitution template
            index: "telemetry-${substring(TIMESTAMP, 0, 10)}",
            // biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT substitution template
            id: "${DEVICE_NAME}/${TIMESTAMP}",
            type: "_doc",
          },
        },
      ],
    },
  },
}
