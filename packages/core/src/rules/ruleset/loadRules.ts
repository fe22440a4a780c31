/**
 * Reading a rules file: JSON text → validated `RulesFile` → compiled `RuleSet`.
 *
 * Every problem is reported, not just the first, each as `{ path, message }` where the path
 * names the rule and the field (`rules.toStream.actions[0].kinesis.partitionKey`). Schema
 * problems come from Effect Schema; SQL and substitution-template problems carry the line and
 * column inside that field's text. Nothing here throws.
 */
import { Result, Schema, SchemaIssue } from "effect"
import { formatSqlError } from "../syntax/position.ts"
import { compileTopicRule } from "./compileTopicRule.ts"
import { RuleSet } from "./ruleSet.ts"
import {
  MAX_RULE_NAME_LENGTH,
  RULE_NAME_PATTERN,
  type RulesFile,
  RulesFile as RulesFileSchema,
} from "./topicRulePayload.ts"

export interface RulesIssue {
  /** Where: `rules.<name>.<field>…`, or `(file)` for the file as a whole. */
  readonly path: string
  readonly message: string
}

export type Loaded<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: ReadonlyArray<RulesIssue> }

export const pathText = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>(
    (text, key) =>
      typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
    "",
  ) || "(file)"

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()
const decode = Schema.decodeUnknownResult(RulesFileSchema)

/** Effect's wording for the two problems people make most, in the words of a rules file. */
const friendlier = (message: string): string =>
  message.startsWith("Unexpected key") || message === "Expected no excess property"
    ? "unknown field"
    : message === "Missing key"
      ? "required field is missing"
      : message

const decodeSchema = (input: unknown): Loaded<RulesFile> => {
  const decoded = decode(input, { errors: "all", onExcessProperty: "error", reportInput: true })
  if (Result.isSuccess(decoded)) return { ok: true, value: decoded.success }
  const issues = formatter(decoded.failure.issue).issues.map((issue) => ({
    path: pathText((issue.path ?? []).map((key) => (typeof key === "object" ? key.key : key))),
    message: friendlier(issue.message),
  }))
  return { ok: false, issues }
}

const ruleNameIssues = (file: RulesFile): RulesIssue[] =>
  Object.keys(file.rules)
    .filter((name) => !RULE_NAME_PATTERN.test(name) || name.length > MAX_RULE_NAME_LENGTH)
    .map((name) => ({
      path: `rules.${name}`,
      message: `a rule name is 1–${MAX_RULE_NAME_LENGTH} letters, digits and underscores (^[a-zA-Z0-9_]+$)`,
    }))

/** Checks a parsed rules file against the schema and the rule-name rule (without compiling SQL). */
export const decodeRulesFile = (input: unknown): Loaded<RulesFile> => {
  const decoded = decodeSchema(input)
  if (!decoded.ok) return decoded
  const issues = ruleNameIssues(decoded.value)
  return issues.length ? { ok: false, issues } : decoded
}

/** Compiles every rule of a valid file; collects every SQL and template error. */
export const compileRulesFile = (file: RulesFile): Loaded<RuleSet> => {
  const issues: RulesIssue[] = []
  const rules = []
  for (const [name, payload] of Object.entries(file.rules)) {
    const compiled = compileTopicRule(name, payload)
    if (compiled.ok) rules.push(compiled.rule)
    else {
      for (const problem of compiled.problems) {
        issues.push({ path: `rules.${name}.${problem.field}`, message: formatSqlError(problem.error) })
      }
    }
  }
  return issues.length ? { ok: false, issues } : { ok: true, value: new RuleSet(rules) }
}

/** Validates and compiles a parsed rules file, reporting every problem. */
export const loadRules = (input: unknown): Loaded<RuleSet> => {
  const decoded = decodeSchema(input)
  if (!decoded.ok) return decoded
  const nameIssues = ruleNameIssues(decoded.value)
  const compiled = compileRulesFile(decoded.value)
  if (nameIssues.length === 0) return compiled
  return { ok: false, issues: [...nameIssues, ...(compiled.ok ? [] : compiled.issues)] }
}

/** Parses, validates and compiles the text of a rules file. */
export const loadRulesText = (text: string): Loaded<RuleSet> => {
  let input: unknown
  try {
    input = JSON.parse(text)
  } catch (error) {
    return { ok: false, issues: [{ path: "(file)", message: `not JSON: ${(error as Error).message}` }] }
  }
  return loadRules(input)
}
