/**
 * Compiles one rule of a rules file: its SQL, and the substitution templates of its actions.
 *
 * Every string field of an action is a template except `roleArn` and Firehose's `separator`
 * (the fields the IoT reference lists as not supporting substitution templates among those we
 * model); a field without `${` is simply constant. Templates use the rule's SQL version. The
 * result resolves an action for a message: the same parameters with every template rendered.
 */

import { type CompiledRule, compileRule } from "../compile/compileRule.ts"
import type { EvaluationContext, RuleMessage } from "../compile/message.ts"
import { compileTemplate } from "../substitutionTemplate.ts"
import type { SqlError } from "../syntax/position.ts"
import type { SqlVersion } from "../values/sqlValue.ts"
import { type Action, actionParams, actionType, type TopicRulePayload } from "./topicRulePayload.ts"

const LITERAL_FIELDS: ReadonlySet<string> = new Set(["roleArn", "separator"])

type Resolver = (message: RuleMessage, context: EvaluationContext) => unknown

export interface CompiledAction {
  /** `kinesis`, `firehose`, `openSearch`, … */
  readonly type: string
  /** The parameters as written in the rules file. */
  readonly params: Readonly<Record<string, unknown>>
  /** The parameters with every `${…}` rendered for this message. */
  readonly resolve: (message: RuleMessage, context: EvaluationContext) => Record<string, unknown>
}

export interface CompiledTopicRule {
  readonly name: string
  readonly payload: TopicRulePayload
  readonly rule: CompiledRule
  readonly disabled: boolean
  readonly actions: ReadonlyArray<CompiledAction>
  readonly errorAction: CompiledAction | undefined
}

export interface RuleProblem {
  /** The field within the rule: `sql`, `actions[0].kinesis.partitionKey`. */
  readonly field: string
  readonly error: SqlError
}

const compileValue = (
  value: unknown,
  key: string,
  field: string,
  version: SqlVersion,
  problems: RuleProblem[],
): Resolver => {
  if (typeof value === "string") {
    if (LITERAL_FIELDS.has(key) || !value.includes("${")) return () => value
    const compiled = compileTemplate(value, { sqlVersion: version })
    if (!compiled.ok) {
      problems.push({ field, error: compiled.error })
      return () => value
    }
    return (message, context) => compiled.template.render(message, context)
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileValue(item, key, `${field}[${i}]`, version, problems))
    return (message, context) => items.map((item) => item(message, context))
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).map(
      ([k, v]) => [k, compileValue(v, k, `${field}.${k}`, version, problems)] as const,
    )
    return (message, context) =>
      Object.fromEntries(entries.map(([k, resolve]) => [k, resolve(message, context)]))
  }
  return () => value
}

const compileAction = (
  action: Action,
  field: string,
  version: SqlVersion,
  problems: RuleProblem[],
): CompiledAction => {
  const type = actionType(action)
  const params = actionParams(action)
  const resolve = compileValue(params, type, `${field}.${type}`, version, problems)
  return { type, params, resolve: (message, context) => resolve(message, context) as Record<string, unknown> }
}

export const compileTopicRule = (
  name: string,
  payload: TopicRulePayload,
): { ok: true; rule: CompiledTopicRule } | { ok: false; problems: ReadonlyArray<RuleProblem> } => {
  const version = payload.awsIotSqlVersion
  const problems: RuleProblem[] = []
  const compiled = compileRule(payload.sql, { sqlVersion: version })
  if (!compiled.ok) problems.push({ field: "sql", error: compiled.error })
  const actions = payload.actions.map((action, i) =>
    compileAction(action, `actions[${i}]`, version, problems),
  )
  const errorAction = payload.errorAction
    ? compileAction(payload.errorAction, "errorAction", version, problems)
    : undefined
  if (!compiled.ok || problems.length > 0) return { ok: false, problems }
  return {
    ok: true,
    rule: {
      name,
      payload,
      rule: compiled.rule,
      disabled: payload.ruleDisabled === true,
      actions,
      errorAction,
    },
  }
}
