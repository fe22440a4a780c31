/**
 * The rules file `sluice up` runs locally (`rules/hands-on.rules.json`), read for the stack.
 *
 * Shape: `{ "rules": { "<RuleName>": <topic rule payload> } }`, where a payload is CloudFormation's
 * `AWS::IoT::TopicRule` `TopicRulePayload` in CDK's camelCase (`sql`, `awsIotSqlVersion`,
 * `actions`, `errorAction`, …). Actions name their targets by logical names — the Kinesis
 * stream `telemetry`, the delivery stream `telemetry-lake`, the search domain — which the local
 * stack maps to its own adapters and the CDK stack to its resources (bindRuleActions.ts).
 * Reading is strict: a rule name IoT Core would refuse, a missing `sql` or action list, or a
 * SQL version other than 2016-03-23 fails synthesis with the rule's name in the message.
 */
import { readFileSync } from "node:fs"
import type { CfnTopicRule } from "aws-cdk-lib/aws-iot"

export type TopicRulePayload = CfnTopicRule.TopicRulePayloadProperty
export type RuleAction = CfnTopicRule.ActionProperty

/** The SQL version every rule runs under (the hands-on's, and the local engine's). */
export const SQL_VERSION = "2016-03-23"

/** IoT Core rule names: letters, digits and underscores, 1–128 (CreateTopicRule). */
const RULE_NAME = /^[a-zA-Z0-9_]{1,128}$/

export interface RulesFile {
  readonly rules: Readonly<Record<string, TopicRulePayload>>
}

const fail = (file: string, message: string): never => {
  throw new Error(`${file}: ${message}`)
}

/** Checks the parsed file and fills in the SQL version where a rule leaves it out. */
export const parseRulesFile = (value: unknown, file = "rules file"): RulesFile => {
  const rules = (value as { rules?: unknown } | null)?.rules
  if (typeof rules !== "object" || rules === null || Array.isArray(rules))
    return fail(file, 'expected { "rules": { "<RuleName>": { sql, actions, … } } }')
  const checked: Record<string, TopicRulePayload> = {}
  for (const [name, raw] of Object.entries(rules)) {
    if (!RULE_NAME.test(name)) fail(file, `rule name ${JSON.stringify(name)} must be 1–128 of a-z A-Z 0-9 _`)
    const payload = raw as Partial<TopicRulePayload> | null
    if (typeof payload?.sql !== "string" || payload.sql.trim() === "") fail(file, `rule ${name} has no sql`)
    const actions = payload?.actions
    if (!Array.isArray(actions) || actions.length === 0) fail(file, `rule ${name} has no actions`)
    if (Array.isArray(actions) && actions.length > 10)
      fail(file, `rule ${name} has over 10 actions (IoT Core's limit)`)
    const version = payload?.awsIotSqlVersion ?? SQL_VERSION
    if (version !== SQL_VERSION)
      fail(file, `rule ${name} uses SQL version ${version}; the stack runs ${SQL_VERSION}`)
    checked[name] = { ...(payload as TopicRulePayload), awsIotSqlVersion: SQL_VERSION }
  }
  if (Object.keys(checked).length === 0) fail(file, "defines no rules")
  return { rules: checked }
}

export const readRulesFile = (file: string): RulesFile =>
  parseRulesFile(JSON.parse(readFileSync(file, "utf8")) as unknown, file)
