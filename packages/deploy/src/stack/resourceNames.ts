/**
 * Names of the stack's resources, all derived from the config's `namePrefix`, so two stacks
 * with different prefixes can share an account and region. Fixed names (rather than generated
 * ones) because people type them: in `aws` commands, the Athena console, the README.
 */
export const resourceNames = (prefix: string) => ({
  stream: `${prefix}-telemetry`,
  deliveryStream: `${prefix}-telemetry-lake`,
  /** OpenSearch domain names: 3–28 of a-z 0-9 -, starting with a letter. */
  searchDomain: `${prefix}-search`,
  onFailureQueue: `${prefix}-consumer-on-failure`,
  devicePolicy: `${prefix}-device`,
  /** Glue and Athena prefer underscores (a hyphen needs quoting in SQL). */
  lakeDatabase: `${prefix.replaceAll("-", "_")}_lake`,
  lakeTable: "telemetry",
  workGroup: `${prefix}-lake`,
  /** Custom metric (namespace `Sluice`) of readings the consumer dead-lettered. */
  deadLetteredMetric: `${prefix}-dead-lettered-readings`,
})

export type ResourceNames = ReturnType<typeof resourceNames>
