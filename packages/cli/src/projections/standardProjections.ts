/**
 * The projections `sluice up` maintains and `sluice replay` rebuilds, configured once here so the
 * two always agree — same names, versions and configuration fingerprints — and a replay fills
 * exactly the views the stack's dashboard reads:
 *
 * - `latest-state`: each device's latest-state record in the table (as the consumer writes it);
 * - `aggregates`: per device, per minute and per hour, count/min/max/mean of each numeric field,
 *   2 minutes of allowed lateness;
 * - `alerts`: threshold alerts with the demo thresholds below (the hands-on device sends
 *   TEMPERATURE 15–25 and HUMIDITY 40–60, so these fire now and then), or the rules of an
 *   `--alerts` file (a JSON list of `{ name, field, min?, max? }`).
 */
import { readFileSync } from "node:fs"
import {
  type AnyProjection,
  latestState,
  type ThresholdRule,
  thresholdAlerts,
  thresholdRuleProblems,
  windowAggregates,
} from "@sluice/core"

export const DEFAULT_ALERT_RULES: ReadonlyArray<ThresholdRule> = [
  { name: "temperature-high", field: "TEMPERATURE", max: 24 },
  { name: "humidity-low", field: "HUMIDITY", min: 42 },
]

export const AGGREGATES = "aggregates"
export const ALERTS = "alerts"

export const standardProjections = (
  alertRules: ReadonlyArray<ThresholdRule> = DEFAULT_ALERT_RULES,
): ReadonlyArray<AnyProjection> => [
  latestState,
  windowAggregates({ name: AGGREGATES }),
  thresholdAlerts({ name: ALERTS, rules: alertRules }),
]

/** Reads an alerts file: a JSON list of threshold rules; throws an Error naming every problem. */
export const readAlertRules = (path: string): ReadonlyArray<ThresholdRule> => {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"))
  } catch (error) {
    throw new Error(`cannot read the alerts file ${path}: ${(error as Error).message}`)
  }
  if (!Array.isArray(parsed)) throw new Error(`the alerts file ${path} must hold a JSON list of rules`)
  const problems = thresholdRuleProblems(parsed as ThresholdRule[])
  if (problems.length > 0) throw new Error(`the alerts file ${path} is not valid: ${problems.join("; ")}`)
  return parsed as ThresholdRule[]
}
