/**
 * Threshold alerts: a reading outside a rule's bounds opens an alert — once per excursion, not
 * once per reading — which stays open while the readings stay outside and closes with the first
 * reading back inside (docs/decisions/1003-alerts-once-per-excursion.md).
 *
 * Each alert is a view keyed `<device>/<rule>/<sort key of the reading that opened it>`:
 *
 *     { alertId, deviceId, rule, field, min, max, status: "open" | "closed",
 *       openedAt, closedAt?, readings, peak, last }
 *
 * where `peak` is the value furthest outside the bounds and `readings` the readings of the
 * excursion. Alerts follow the device forward in time, as its latest-state record does: a reading
 * that is not newer (by sort key) than the newest one the projection saw for the device is
 * ignored — a duplicate, or a reading delayed past a newer one — so an excursion is a run of
 * consecutive readings in time, and a late straggler can neither reopen nor close one. A reading
 * without a finite number in the rule's field leaves that rule's alert as it is.
 */
import type { Json, JsonObject } from "../telemetry/json.ts"
import { fingerprintOf, type Projection, type PutView } from "./projection.ts"

export interface ThresholdRule {
  /** Names the alert in its key: 1–64 of a-z A-Z 0-9 _ -. */
  readonly name: string
  /** The reading's field, e.g. `TEMPERATURE`. */
  readonly field: string
  /** Readings below this are outside. */
  readonly min?: number
  /** Readings above this are outside. */
  readonly max?: number
}

export interface ThresholdAlertsOptions {
  readonly rules: ReadonlyArray<ThresholdRule>
  /** Default "alerts". */
  readonly name?: string
  /** Default 1. */
  readonly version?: number
}

type OpenAlert = {
  readonly key: string
  readonly openedAt: string
  readonly readings: number
  readonly peak: number
}

export type AlertsState = {
  /** Sort key of the newest reading seen; null before the first. */
  readonly newest: string | null
  /** The open excursion of each rule, by rule name. */
  readonly open: Readonly<Record<string, OpenAlert>>
}

export const initialAlerts: AlertsState = { newest: null, open: {} }

const RULE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/

/** Problems with a list of rules, in words; empty when it is valid. */
export const thresholdRuleProblems = (rules: ReadonlyArray<ThresholdRule>): string[] => {
  const problems: string[] = []
  const names = new Set<string>()
  for (const rule of rules) {
    const label = `alert rule ${JSON.stringify(rule.name)}`
    if (typeof rule.name !== "string" || !RULE_NAME.test(rule.name))
      problems.push(`${label}: a name is 1–64 of a-z A-Z 0-9 _ - (starting with a letter or digit)`)
    else if (names.has(rule.name)) problems.push(`${label}: names must be unique`)
    names.add(rule.name)
    if (typeof rule.field !== "string" || rule.field === "")
      problems.push(`${label}: field must be a field name`)
    const bounds = [rule.min, rule.max].filter((b) => b !== undefined)
    if (bounds.length === 0) problems.push(`${label}: give min, max or both`)
    if (bounds.some((b) => typeof b !== "number" || !Number.isFinite(b)))
      problems.push(`${label}: min and max must be finite numbers`)
    if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max)
      problems.push(`${label}: min is above max`)
  }
  return problems
}

/** How far outside the bounds a value is (0 inside). */
const excess = (rule: ThresholdRule, value: number): number =>
  rule.min !== undefined && value < rule.min
    ? rule.min - value
    : rule.max !== undefined && value > rule.max
      ? value - rule.max
      : 0

export const thresholdAlerts = (options: ThresholdAlertsOptions): Projection<AlertsState> => {
  const problems = thresholdRuleProblems(options.rules)
  if (problems.length > 0) throw new RangeError(problems.join("; "))
  const rules = options.rules.map((r) => ({ ...r }))
  const config = rules.map((r) => ({ name: r.name, field: r.field, min: r.min ?? null, max: r.max ?? null }))

  const alertView = (
    deviceId: string,
    rule: ThresholdRule,
    alert: OpenAlert,
    status: "open" | "closed",
    last: number,
    closedAt: string | undefined,
  ): JsonObject => {
    const view: Record<string, Json> = {
      alertId: alert.key,
      deviceId,
      rule: rule.name,
      field: rule.field,
      min: rule.min ?? null,
      max: rule.max ?? null,
      status,
      openedAt: alert.openedAt,
      readings: alert.readings,
      peak: alert.peak,
      last,
    }
    if (closedAt !== undefined) view.closedAt = closedAt
    return view
  }

  return {
    name: options.name ?? "alerts",
    version: options.version ?? 1,
    fingerprint: fingerprintOf(config),
    initial: initialAlerts,
    apply: (state, event) => {
      const { deviceId, sortKey, time, fields } = event.reading
      if (state.newest !== null && sortKey <= state.newest) return { state, intents: [] }
      const open: Record<string, OpenAlert> = { ...state.open }
      const intents: PutView[] = []
      for (const rule of rules) {
        const value = fields[rule.field]
        if (typeof value !== "number" || !Number.isFinite(value)) continue
        const outside = excess(rule, value) > 0
        const current = open[rule.name]
        if (outside) {
          const alert: OpenAlert =
            current === undefined
              ? { key: `${deviceId}/${rule.name}/${sortKey}`, openedAt: time, readings: 1, peak: value }
              : {
                  ...current,
                  readings: current.readings + 1,
                  peak: excess(rule, value) > excess(rule, current.peak) ? value : current.peak,
                }
          open[rule.name] = alert
          intents.push({
            _tag: "PutView",
            key: alert.key,
            value: alertView(deviceId, rule, alert, "open", value, undefined),
          })
        } else if (current !== undefined) {
          delete open[rule.name]
          intents.push({
            _tag: "PutView",
            key: current.key,
            value: alertView(deviceId, rule, current, "closed", value, time),
          })
        }
      }
      return { state: { newest: sortKey, open }, intents }
    },
  }
}
