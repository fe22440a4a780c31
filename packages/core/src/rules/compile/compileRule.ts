/**
 * `compileRule(sql)`: a statement compiled once, evaluated for every message.
 *
 * Compiling never throws: it returns the rule or an `SqlError` (line, column, what was
 * expected) for a syntax error, an invalid topic filter, an unknown function or a construct the
 * SQL version lacks. Evaluating never throws either, for any payload: a payload that is not JSON
 * is binary (`SELECT *` passes its bytes through, field references are Undefined), a topic the
 * FROM filter does not match or a WHERE that is not true is `{ matched: false }`, and a
 * `SELECT VALUE` of Undefined is an empty payload, as IoT Core serialises Undefined. Outputs
 * are plain JSON values (or bytes) and may share structure with the payload: treat them as
 * read-only.
 */

import type { Statement } from "../syntax/ast.ts"
import { catchingSqlErrors, parseStatement } from "../syntax/parse.ts"
import type { SqlError } from "../syntax/position.ts"
import { sqlErrorAt } from "../syntax/position.ts"
import { compileTopicFilter, type TopicMatcher, topicFilterProblem } from "../topicFilter.ts"
import { toBooleanValue } from "../values/conversions.ts"
import { DEFAULT_SQL_VERSION, numericsFor, type SqlVersion, unboxDecimals } from "../values/sqlValue.ts"
import { compileExpr } from "./compileExpression.ts"
import { compileSelect, SELECT_FAILED, type SelectBuilder } from "./compileSelect.ts"
import type { CompileScope, Env, Evaluator } from "./evaluator.ts"
import { type EvaluationContext, PreparedMessage, type RuleMessage } from "./message.ts"

export type EvaluationResult =
  | { readonly matched: false }
  | { readonly matched: true; readonly output: unknown }

export interface CompileRuleOptions {
  /** `awsIotSqlVersion`; 2016-03-23 unless given. */
  readonly sqlVersion?: SqlVersion
}

export type CompileRuleResult =
  | { readonly ok: true; readonly rule: CompiledRule }
  | { readonly ok: false; readonly error: SqlError }

const NOT_MATCHED: EvaluationResult = { matched: false }
const EMPTY_PAYLOAD = new Uint8Array(0)

export class CompiledRule {
  /** Whether a topic is one this rule's FROM filter subscribes to. */
  readonly matchesTopic: TopicMatcher

  constructor(
    readonly sql: string,
    readonly sqlVersion: SqlVersion,
    readonly statement: Statement,
    private readonly where: Evaluator | undefined,
    private readonly select: SelectBuilder,
  ) {
    this.matchesTopic = compileTopicFilter(statement.topicFilter)
  }

  get topicFilter(): string {
    return this.statement.topicFilter
  }

  /** Evaluates the rule on a message; never throws. */
  evaluate(message: RuleMessage, context: EvaluationContext): EvaluationResult {
    try {
      return this.evaluateOrThrow(message, context)
    } catch {
      // Only a stack overflow on a pathologically nested payload gets here: the rule fails.
      return NOT_MATCHED
    }
  }

  /** As `evaluate`, but lets an engine defect surface (for tests). */
  evaluateOrThrow(message: RuleMessage, context: EvaluationContext): EvaluationResult {
    const prepared = PreparedMessage.from(message)
    if (!this.matchesTopic(prepared.topic)) return NOT_MATCHED
    return this.evaluatePrepared(prepared, context)
  }

  /** Evaluates without checking the topic (Basic Ingest routes by rule name, not by filter). */
  evaluatePrepared(prepared: PreparedMessage, context: EvaluationContext): EvaluationResult {
    const version = this.sqlVersion
    const env: Env = { scope: prepared.jsonFor(version), message: prepared, context, version }
    if (this.where !== undefined && toBooleanValue(this.where(env)) !== true) return NOT_MATCHED
    const select = this.statement.select
    if (select.kind === "items" && select.items.length === 1 && select.items[0]?.kind === "star") {
      return { matched: true, output: prepared.isJson ? prepared.json : prepared.payloadBytes }
    }
    const output = this.select(env)
    if (output === SELECT_FAILED) return NOT_MATCHED
    if (output === undefined) return { matched: true, output: EMPTY_PAYLOAD }
    if (version === "2015-10-08") {
      // 2015-10-08 cannot output an Array as the top-level payload; that came with 2016-03-23.
      if (select.kind === "value" && Array.isArray(output)) return { matched: true, output: EMPTY_PAYLOAD }
      return { matched: true, output: unboxDecimals(output) }
    }
    return { matched: true, output }
  }
}

/** Compiles a statement already parsed (the rules file and templates share the work). */
export const compileStatement = (
  sql: string,
  statement: Statement,
  sqlVersion: SqlVersion,
): CompileRuleResult => {
  const problem = topicFilterProblem(statement.topicFilter)
  if (problem !== undefined) return { ok: false, error: sqlErrorAt(sql, statement.topicFilterAt, problem) }
  const scope: CompileScope = {
    version: sqlVersion,
    num: numericsFor(sqlVersion),
    nested: false,
    alias: undefined,
  }
  const compiled = catchingSqlErrors(sql, () => ({
    where: statement.where ? compileExpr(statement.where, scope) : undefined,
    select: compileSelect(statement.select, scope),
  }))
  if (!compiled.ok) return compiled
  return {
    ok: true,
    rule: new CompiledRule(sql, sqlVersion, statement, compiled.value.where, compiled.value.select),
  }
}

export const compileRule = (sql: string, options: CompileRuleOptions = {}): CompileRuleResult => {
  const parsed = parseStatement(sql)
  if (!parsed.ok) return parsed
  return compileStatement(sql, parsed.value, options.sqlVersion ?? DEFAULT_SQL_VERSION)
}
