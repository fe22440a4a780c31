/**
 * The lake's catalog: a Glue database and table over the data objects, and an Athena workgroup.
 *
 * The table reads the transform's JSON lines (`{...fields as published, deviceId, ts}`) with
 * the OpenX JSON SerDe, which matches keys case-insensitively (`DEVICE_NAME` → `device_name`)
 * and skips malformed lines instead of failing a query. Partitions come from partition
 * projection — year/month/day/hour computed from the query's predicates, with the lake's
 * folder template — so no crawler, no `MSCK REPAIR` and no partition API calls as days pass.
 * The workgroup enforces its settings: results encrypted (SSE-S3) in the results bucket, and a
 * per-query scan limit so a forgotten `WHERE` costs cents, not dollars.
 */

import { LAKE_DATA_ROOT, LAKE_PARTITION_COLUMNS } from "@sluice/core"
import { Stack } from "aws-cdk-lib"
import * as athena from "aws-cdk-lib/aws-athena"
import * as glue from "aws-cdk-lib/aws-glue"
import type * as s3 from "aws-cdk-lib/aws-s3"
import { Construct } from "constructs"

export interface LakeCatalogProps {
  readonly databaseName: string
  readonly tableName: string
  readonly workGroupName: string
  readonly lakeBucket: s3.Bucket
  readonly resultsBucket: s3.Bucket
  readonly bytesScannedCutoffPerQuery: number
  /** First year partition projection enumerates. */
  readonly firstYear?: number
}

/** Columns of a lake line: the hands-on fields, the optional sequence number, the table's keys. */
export const LAKE_COLUMNS: ReadonlyArray<{
  readonly name: string
  readonly type: string
  readonly comment: string
}> = [
  { name: "device_name", type: "string", comment: "DEVICE_NAME as published" },
  { name: "timestamp", type: "string", comment: "TIMESTAMP as published (device local time, no zone)" },
  { name: "temperature", type: "double", comment: "TEMPERATURE" },
  { name: "humidity", type: "double", comment: "HUMIDITY" },
  { name: "seq", type: "bigint", comment: "SEQ, the device's sequence number, when sent" },
  { name: "deviceid", type: "string", comment: "deviceId: the table's partition key" },
  { name: "ts", type: "string", comment: "ts: the table's sort key (canonical time, #seq)" },
]

/** Digits of each projected partition value, as the lake's folders write them (`month=07`). */
const DIGITS: Readonly<Record<string, number>> = { year: 4, month: 2, day: 2, hour: 2 }
const RANGES = (firstYear: number): Readonly<Record<string, string>> => ({
  year: `${firstYear},2099`,
  month: "1,12",
  day: "1,31",
  hour: "0,23",
})

export class LakeCatalog extends Construct {
  readonly database: glue.CfnDatabase
  readonly table: glue.CfnTable
  readonly workGroup: athena.CfnWorkGroup

  constructor(scope: Construct, id: string, props: LakeCatalogProps) {
    super(scope, id)
    const catalogId = Stack.of(this).account
    const partitions = LAKE_PARTITION_COLUMNS.map((column) => column.name)
    const location = `s3://${props.lakeBucket.bucketName}/${LAKE_DATA_ROOT}`
    const template = `${location}${partitions.map((name) => `${name}=\${${name}}`).join("/")}/`
    const ranges = RANGES(props.firstYear ?? 2024)
    const projection: Record<string, string> = {
      "projection.enabled": "true",
      "storage.location.template": template,
    }
    for (const name of partitions) {
      projection[`projection.${name}.type`] = "integer"
      projection[`projection.${name}.range`] = ranges[name] ?? "0,9999"
      projection[`projection.${name}.digits`] = String(DIGITS[name] ?? 1)
    }

    this.database = new glue.CfnDatabase(this, "Database", {
      catalogId,
      databaseInput: { name: props.databaseName, description: "Sluice telemetry data lake" },
    })
    this.table = new glue.CfnTable(this, "Table", {
      catalogId,
      databaseName: props.databaseName,
      tableInput: {
        name: props.tableName,
        description: "Readings as the Firehose transform wrote them: JSON lines, GZIP, by UTC hour",
        tableType: "EXTERNAL_TABLE",
        parameters: { classification: "json", compressionType: "gzip", ...projection },
        partitionKeys: LAKE_PARTITION_COLUMNS.map((column) => ({ name: column.name, type: "int" })),
        storageDescriptor: {
          location,
          inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
          outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
          serdeInfo: {
            serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
            parameters: { "ignore.malformed.json": "true", "case.insensitive": "true" },
          },
          columns: LAKE_COLUMNS.map((column) => ({ ...column })),
        },
      },
    })
    this.table.addResourceDependency(this.database)

    this.workGroup = new athena.CfnWorkGroup(this, "WorkGroup", {
      name: props.workGroupName,
      description: "Queries over the Sluice data lake",
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        resultConfiguration: {
          outputLocation: `s3://${props.resultsBucket.bucketName}/results/`,
          encryptionConfiguration: { encryptionOption: "SSE_S3" },
        },
      },
    })
  }
}
