/**
 * The data lake's default layout — shared by the local delivery stream, `sluice query`, the
 * compactor and the AWS stack, so the lake and its readers agree (decision 0601).
 *
 *     telemetry/year=2026/month=11/day=26/hour=07/sluice-lake-1-2026-11-26-07-12-43-<uuid>.gz
 *     errors/processing-failed/year=2026/month=11/day=26/hour=07/sluice-lake-1-…-<uuid>.gz
 *
 * Data objects are partitioned by the reading's own time (UTC hour), taken from the transform's
 * partition keys, in Hive style (`name=value`) so DuckDB and Athena turn the folders into
 * columns and prune them. The device is a column, not a folder: five devices would otherwise
 * mean five times the objects, each a fifth as large. Error objects are partitioned by arrival
 * time — a record that failed may have no readable time.
 */

/** Where data objects live; readers look only under it. */
export const LAKE_DATA_ROOT = "telemetry/"
/** Where failed records live. */
export const LAKE_ERROR_ROOT = "errors/"

export const DEFAULT_LAKE_PREFIX =
  "telemetry/year=!{partitionKeyFromLambda:year}/month=!{partitionKeyFromLambda:month}/" +
  "day=!{partitionKeyFromLambda:day}/hour=!{partitionKeyFromLambda:hour}/"

export const DEFAULT_ERROR_OUTPUT_PREFIX =
  "errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/" +
  "day=!{timestamp:dd}/hour=!{timestamp:HH}/"

/** Partition columns of the default layout, with the SQL type readers give them. */
export const LAKE_PARTITION_COLUMNS: ReadonlyArray<{ readonly name: string; readonly sqlType: "INTEGER" }> = [
  { name: "year", sqlType: "INTEGER" },
  { name: "month", sqlType: "INTEGER" },
  { name: "day", sqlType: "INTEGER" },
  { name: "hour", sqlType: "INTEGER" },
]

/** Extension of a GZIP-compressed object, as Firehose names them. */
export const GZIP_EXTENSION = ".gz"
