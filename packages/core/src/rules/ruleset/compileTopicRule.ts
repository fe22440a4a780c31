/**
 * Compiles one rule of a rules file: its SQL, and the substitution templates of its actions.
 *
 * Every string field of an action is a template except `roleArn` and Firehose's `separator`
 * (the fields the IoT reference lists as not supporting substitution templates among those we
 * model); a field without `${` is simply constant. Templates use the rule's SQL version. The
 * result resolves an action for a message: the same parameters with every template rendered.
 */
import { type CompiledRule, compileRule } from "../compile/compileRule.ts"
import { type Env, messageEnv } from "../compile/evaluator.ts"
import { type EvaluationContext, PreparedMessage, type RuleMessage } from "../compile/message.ts"
import { type FieldSource, objectOf } from "../compile/namedAccess.ts"
import { compileTemplate } from "../substitutionTemplate.ts"
import type { SqlError } from "../syntax/position.ts"
import type { SqlVersion } from "../values/sqlValue.ts"
import { failedActionName, RESOURCE_FIELDS, resourceReader } from "./errorAction.ts"
import { type Action, actionParams, actionType, type TopicRulePayload } from "./topicRulePayload.ts"

const LITERAL_FIELDS: ReadonlySet<string> = new Set(["roleArn", "separator"])

type Resolver = (env: Env) => unknown

export interface CompiledAction {
  /** `kinesis`, `firehose`, `openSearch`, … */
  readonly type: string
  /** What IoT Core calls this action in an error action message (`KinesisAction`). */
  readonly failedAction: string
  /** The resource (stream, bucket, index…) the resolved parameters address, for error messages. */
  readonly failedResource: (params: Readonly<Record<string, unknown>>) => string
  /** The resource when the rules file names it outright (no template), for routing to write in. */
  readonly constantResource: string | undefined
  /** The parameters as written in the rules file. */
  readonly params: Readonly<Record<string, unknown>>
  /** The parameters with every `${…}` rendered for this message. */
  readonly resolve: (message: RuleMessage, context: EvaluationContext) => Record<string, unknown>
  /** As `resolve`, in a message environment of the rule's SQL version. */
  readonly resolveIn: (env: Env) => Record<string, unknown>
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
): FieldSource<Env> => {
  if (typeof value === "string") {
    if (LITERAL_FIELDS.has(key) || !value.includes("${")) return { constant: value }
    const compiled = compileTemplate(value, { sqlVersion: version })
    if (!compiled.ok) {
      problems.push({ field, error: compiled.error })
      return { constant: value }
    }
    return { compute: compiled.template.renderIn }
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) =>
      resolver(compileValue(item, key, `${field}[${i}]`, version, problems)),
    )
    return { compute: (env) => items.map((item) => item(env)) }
  }
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value)
    const sources = keys.map((k) =>
      compileValue((value as Record<string, unknown>)[k], k, `${field}.${k}`, version, problems),
    )
    // A fresh object per message, even when constant: callers may keep or change what they get.
    return { compute: objectOf(keys, sources) }
  }
  return { constant: value }
}

const resolver = (source: FieldSource<Env>): Resolver =>
  "constant" in source ? () => source.constant : source.compute

/** The resource an action addresses when it is written out in the file (not a template). */
const constantResource = (type: string, params: Readonly<Record<string, unknown>>): string | undefined => {
  let value: unknown = params
  for (const key of RESOURCE_FIELDS[type] ?? []) {
    value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined
  }
  return typeof value === "string" && !value.includes("${") ? value : undefined
}

const compileAction = (
  action: Action,
  field: string,
  version: SqlVersion,
  problems: RuleProblem[],
): CompiledAction => {
  const type = actionType(action)
  const params = actionParams(action)
  const resolveIn = resolver(compileValue(params, type, `${field}.${type}`, version, problems)) as (
    env: Env,
  ) => Record<string, unknown>
  return {
    type,
    failedAction: failedActionName(type),
    failedResource: resourceReader(type),
    constantResource: constantResource(type, params),
    params,
    resolveIn,
    resolve: (message, context) => resolveIn(messageEnv(PreparedMessage.from(message), context, version)),
  }
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
