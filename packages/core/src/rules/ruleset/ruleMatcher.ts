/**
 * The per-rule step of routing: evaluate the rule in the message's environment and, when it
 * matches, build the match with one invocation per action.
 *
 * Like the hot shapes in compile/namedAccess.ts, each rule's step is generated as its own small
 * function (rule name, action types and indices written in), so the calls it makes — its SELECT,
 * its actions' parameter builders — each have a call site of their own that V8 can inline,
 * instead of one shared, megamorphic loop over every rule's actions. Where code generation from
 * strings is disabled, the same step runs as a closure.
 */
import { type CompiledRule, NO_OUTPUT } from "../compile/compileRule.ts"
import type { Env } from "../compile/evaluator.ts"
import type { CompiledTopicRule } from "./compileTopicRule.ts"
import type { ActionInvocation, RuleMatch } from "./ruleSet.ts"

export type RuleMatcher = (env: Env) => RuleMatch | undefined

const closureMatcher =
  (rule: CompiledTopicRule): RuleMatcher =>
  (env) => {
    let output: unknown
    try {
      output = rule.rule.outputIn(env)
    } catch {
      // A stack overflow on a pathological payload: this rule fails, the others still run.
      return undefined
    }
    if (output === NO_OUTPUT) return undefined
    const invocations: ActionInvocation[] = rule.actions.map((action, actionIndex) => {
      const params = action.resolveIn(env)
      return {
        ruleName: rule.name,
        actionIndex,
        type: action.type,
        params,
        payload: output,
        failedAction: action.failedAction,
        failedResource: action.failedResource(params),
      }
    })
    return { ruleName: rule.name, output, invocations }
  }

export const ruleMatcher = (rule: CompiledTopicRule): RuleMatcher => {
  const text = JSON.stringify
  // Each action's builders arrive as their own parameters (r0, f0, …): no loads, own call sites.
  const resolves = rule.actions.map((_, i) => `const p${i} = r${i}(env)`)
  const invocations = rule.actions.map((action, i) => {
    const resource = action.constantResource === undefined ? `f${i}(p${i})` : text(action.constantResource)
    return (
      `{ ruleName: ${text(rule.name)}, actionIndex: ${i}, type: ${text(action.type)}, params: p${i}, ` +
      `payload: output, failedAction: ${text(action.failedAction)}, failedResource: ${resource} }`
    )
  })
  const builders = rule.actions.flatMap((_, i) => [`r${i}`, `f${i}`])
  // A pass-through rule (`SELECT * FROM …`) has nothing to evaluate: the payload is the output.
  const direct = rule.rule.directSelect
  const evaluate = rule.rule.isPassthrough
    ? "const output = env.message.passthrough"
    : direct !== undefined
      ? `let output
    try {
      output = select(env)
    } catch {
      return undefined
    }`
      : `let output
    try {
      output = compiled.outputIn(env)
    } catch {
      return undefined
    }
    if (output === NO_OUTPUT) return undefined`
  const body = `return (env) => {
    ${evaluate}
    ${resolves.join("\n")}
    return { ruleName: ${text(rule.name)}, output, invocations: [${invocations.join(", ")}] }
  }`
  try {
    const factory = new Function("compiled", "NO_OUTPUT", "select", ...builders, body) as (
      compiled: CompiledRule,
      noOutput: typeof NO_OUTPUT,
      select: ((env: Env) => unknown) | undefined,
      ...builders: ReadonlyArray<unknown>
    ) => RuleMatcher
    return factory(
      rule.rule,
      NO_OUTPUT,
      direct,
      ...rule.actions.flatMap((action) => [action.resolveIn, action.failedResource]),
    )
  } catch {
    return closureMatcher(rule)
  }
}
