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
import { sharedTopicMatcher, type TopicMatcher, topicFilterProblem } from "../topicFilter.ts"
import { toBooleanValue } from "../values/conversions.ts"
import { DEFAULT_SQL_VERSION, numericsFor, type SqlVersion, unboxDecimals } from "../values/sqlValue.ts"
import { compileExpr } from "./compileExpression.ts"
import { compileSelect, SELECT_FAILED, type SelectBuilder } from "./compileSelect.ts"
import { type CompileScope, type Env, type Evaluator, messageEnv } from "./evaluator.ts"
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
/** What `outputIn` returns when the rule does not match (no output at all, not Undefined). */
export const NO_OUTPUT: unique symbol = Symbol("no output")
const EMPTY_PAYLOAD = new Uint8Array(0)

export class CompiledRule {
  /** Whether a topic is one this rule's FROM filter subscribes to. */
  readonly matchesTopic: TopicMatcher
  /** `SELECT *` alone: the payload passes through as published (bytes when binary). */
  private readonly starOnly: boolean
  private readonly valueMode: boolean

  constructor(
    readonly sql: string,
    readonly sqlVersion: SqlVersion,
    readonly statement: Statement,
    private readonly where: Evaluator | undefined,
    private readonly select: SelectBuilder,
  ) {
    this.matchesTopic = sharedTopicMatcher(statement.topicFilter)
    const clause = statement.select
    this.starOnly = clause.kind === "items" && clause.items.length === 1 && clause.items[0]?.kind === "star"
    this.valueMode = clause.kind === "value"
  }

  get topicFilter(): string {
    return this.statement.topicFilter
  }

  /** `SELECT * FROM …` without WHERE: every message on the topic passes through unchanged. */
  get isPassthrough(): boolean {
    return this.starOnly && this.where === undefined
  }

  /**
   * The SELECT itself, when it alone decides the output: no WHERE, SQL version 2016-03-23, and
   * a list of items without `*` (which can neither fail nor be Undefined). Routing calls it
   * directly.
   */
  get directSelect(): ((env: Env) => unknown) | undefined {
    const clause = this.statement.select
    const plain =
      this.where === undefined &&
      this.sqlVersion === "2016-03-23" &&
      clause.kind === "items" &&
      clause.items.every((item) => item.kind === "expr")
    return plain ? this.select : undefined
  }

  /** Evaluates the rule on a message; never throws. */
  evaluate(message: RuleMessage, context: EvaluationContext): EvaluationResult {
    try {
      const prepared = message instanceof PreparedMessage ? message : PreparedMessage.from(message)
      if (!prepared.subscribedBy(this.matchesTopic)) return NOT_MATCHED
      return this.evaluateIn(messageEnv(prepared, context, this.sqlVersion))
    } catch {
      // Only a stack overflow on a pathologically nested payload gets here: the rule fails.
      return NOT_MATCHED
    }
  }

  /** As `evaluate`, but lets an engine defect surface (for tests). */
  evaluateOrThrow(message: RuleMessage, context: EvaluationContext): EvaluationResult {
    const prepared = message instanceof PreparedMessage ? message : PreparedMessage.from(message)
    if (!prepared.subscribedBy(this.matchesTopic)) return NOT_MATCHED
    return this.evaluateIn(messageEnv(prepared, context, this.sqlVersion))
  }

  /** Evaluates without checking the topic (Basic Ingest routes by rule name, not by filter). */
  evaluatePrepared(prepared: PreparedMessage, context: EvaluationContext): EvaluationResult {
    return this.evaluateIn(messageEnv(prepared, context, this.sqlVersion))
  }

  /** Evaluates in a message environment of this rule's SQL version (routing shares one per message). */
  evaluateIn(env: Env): EvaluationResult {
    const output = this.outputIn(env)
    return output === NO_OUTPUT ? NOT_MATCHED : { matched: true, output }
  }

  /** The output in a message environment, or `NO_OUTPUT` when the rule does not match. */
  outputIn(env: Env): unknown {
    if (this.where !== undefined && toBooleanValue(this.where(env)) !== true) return NO_OUTPUT
    if (this.starOnly) return env.message.passthrough
    const output = this.select(env)
    if (output === SELECT_FAILED) return NO_OUTPUT
    if (output === undefined) return EMPTY_PAYLOAD
    if (this.sqlVersion === "2015-10-08") {
      // 2015-10-08 cannot output an Array as the top-level payload; that came with 2016-03-23.
      if (this.valueMode && Array.isArray(output)) return EMPTY_PAYLOAD
      return unboxDecimals(output)
    }
    return output
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
