/**
 * Routing: which actions a message triggers, with what payload and parameters.
 *
 * `route` evaluates every enabled rule whose FROM filter matches the topic (the payload is
 * parsed once for all of them) and returns, per matching rule, the SELECT output and one
 * invocation per action with its templates resolved against the original message. A message
 * published to `$aws/rules/<RuleName>/<topic>` is Basic Ingest: it goes to that rule alone,
 * whatever its FROM filter, and the rule sees `<topic>` as the topic. Running the invocations
 * is the caller's job (adapters do I/O; this does not); when some fail, `errorActionFor` builds
 * the rule's error action with the message IoT Core sends it.
 */
import type { EvaluationContext, RuleMessage } from "../compile/message.ts"
import { PreparedMessage } from "../compile/message.ts"
import type { CompiledAction, CompiledTopicRule } from "./compileTopicRule.ts"
import { type ActionFailure, errorActionMessage, failedActionName, failedResourceOf } from "./errorAction.ts"

export interface ActionInvocation {
  readonly ruleName: string
  /** Index in the rule's `actions`; -1 for the error action. */
  readonly actionIndex: number
  /** `kinesis`, `firehose`, `openSearch`, … */
  readonly type: string
  /** The action's parameters with every `${…}` resolved for this message. */
  readonly params: Readonly<Record<string, unknown>>
  /** What the action delivers: the SELECT output (a JSON value, or bytes for a binary payload). */
  readonly payload: unknown
  /** What IoT Core calls the action and its resource in an error action message. */
  readonly failedAction: string
  readonly failedResource: string
}

export interface RuleMatch {
  readonly ruleName: string
  readonly output: unknown
  readonly invocations: ReadonlyArray<ActionInvocation>
}

const BASIC_INGEST = /^\$aws\/rules\/([a-zA-Z0-9_]+)\/(.+)$/s

const invoke = (
  rule: CompiledTopicRule,
  action: CompiledAction,
  actionIndex: number,
  payload: unknown,
  message: PreparedMessage,
  context: EvaluationContext,
): ActionInvocation => {
  const params = action.resolve(message, context)
  return {
    ruleName: rule.name,
    actionIndex,
    type: action.type,
    params,
    payload,
    failedAction: failedActionName(action.type),
    failedResource: failedResourceOf(action.type, params),
  }
}

export class RuleSet {
  private readonly byName: ReadonlyMap<string, CompiledTopicRule>

  constructor(readonly rules: ReadonlyArray<CompiledTopicRule>) {
    this.byName = new Map(rules.map((rule) => [rule.name, rule]))
  }

  rule(name: string): CompiledTopicRule | undefined {
    return this.byName.get(name)
  }

  /** The matching rules for a message, each with its action invocations. Never throws. */
  route(message: RuleMessage, context: EvaluationContext): RuleMatch[] {
    const prepared = PreparedMessage.from(message)
    const ingest = BASIC_INGEST.exec(prepared.topic)
    if (ingest) {
      const rule = this.byName.get(ingest[1] as string)
      if (rule === undefined || rule.disabled) return []
      const inner = PreparedMessage.from({ topic: ingest[2] as string, payload: prepared.payloadBytes })
      const match = this.matchRule(rule, inner, context, false)
      return match ? [match] : []
    }
    const matches: RuleMatch[] = []
    for (const rule of this.rules) {
      if (rule.disabled) continue
      const match = this.matchRule(rule, prepared, context, true)
      if (match) matches.push(match)
    }
    return matches
  }

  private matchRule(
    rule: CompiledTopicRule,
    message: PreparedMessage,
    context: EvaluationContext,
    checkTopic: boolean,
  ): RuleMatch | undefined {
    if (checkTopic && !rule.rule.matchesTopic(message.topic)) return undefined
    let result: ReturnType<CompiledTopicRule["rule"]["evaluatePrepared"]>
    try {
      result = rule.rule.evaluatePrepared(message, context)
    } catch {
      return undefined
    }
    if (!result.matched) return undefined
    const output = result.output
    return {
      ruleName: rule.name,
      output,
      invocations: rule.actions.map((action, i) => invoke(rule, action, i, output, message, context)),
    }
  }

  /**
   * The error action invocation after some of a match's actions failed: one per rule and message,
   * carrying every failure, or undefined when the rule has no error action.
   */
  errorActionFor(
    match: RuleMatch,
    failures: ReadonlyArray<{ readonly invocation: ActionInvocation; readonly errorMessage: string }>,
    message: RuleMessage,
    context: EvaluationContext,
  ): ActionInvocation | undefined {
    const rule = this.byName.get(match.ruleName)
    if (rule?.errorAction === undefined || failures.length === 0) return undefined
    const prepared = PreparedMessage.from(message)
    const list: ActionFailure[] = failures.map(({ invocation, errorMessage }) => ({
      failedAction: invocation.failedAction,
      failedResource: invocation.failedResource,
      errorMessage,
    }))
    const payload = errorActionMessage({
      ruleName: rule.name,
      topic: prepared.topic,
      clientId: context.clientId,
      traceId: context.traceId,
      payload: prepared.payloadBytes,
      failures: list,
    })
    return invoke(rule, rule.errorAction, -1, payload, prepared, context)
  }
}
