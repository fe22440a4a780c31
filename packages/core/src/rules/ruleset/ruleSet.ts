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
import { type Env, messageEnv } from "../compile/evaluator.ts"
import { type EvaluationContext, PreparedMessage, type RuleMessage } from "../compile/message.ts"
import type { CompiledAction, CompiledTopicRule } from "./compileTopicRule.ts"
import { type ActionFailure, errorActionMessage } from "./errorAction.ts"
import { type RuleMatcher, ruleMatcher } from "./ruleMatcher.ts"

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

const BASIC_INGEST_PREFIX = "$aws/rules/"
const BASIC_INGEST = /^\$aws\/rules\/([a-zA-Z0-9_]+)\/(.+)$/s

const invoke = (
  ruleName: string,
  action: CompiledAction,
  actionIndex: number,
  payload: unknown,
  env: Env,
): ActionInvocation => {
  const params = action.resolveIn(env)
  return {
    ruleName,
    actionIndex,
    type: action.type,
    params,
    payload,
    failedAction: action.failedAction,
    failedResource: action.failedResource(params),
  }
}

export class RuleSet {
  private readonly byName: ReadonlyMap<string, CompiledTopicRule>
  private readonly enabled: ReadonlyArray<CompiledTopicRule>
  /** Per enabled rule, the index of its FROM filter among the distinct filters. */
  private readonly filterOf: ReadonlyArray<number>
  private readonly filterCount: number
  private readonly matchers: ReadonlyMap<CompiledTopicRule, RuleMatcher>
  private readonly enabledMatchers: ReadonlyArray<RuleMatcher>

  constructor(readonly rules: ReadonlyArray<CompiledTopicRule>) {
    this.byName = new Map(rules.map((rule) => [rule.name, rule]))
    this.enabled = rules.filter((rule) => !rule.disabled)
    this.matchers = new Map(rules.map((rule) => [rule, ruleMatcher(rule)]))
    this.enabledMatchers = this.enabled.map((rule) => this.matchers.get(rule) as RuleMatcher)
    // Rules often share a filter (the hands-on three all read 'data/+'): match each once per message.
    const filters = new Map<string, number>()
    this.filterOf = this.enabled.map((rule) => {
      const known = filters.get(rule.rule.topicFilter)
      if (known !== undefined) return known
      filters.set(rule.rule.topicFilter, filters.size)
      return filters.size - 1
    })
    this.filterCount = filters.size
  }

  rule(name: string): CompiledTopicRule | undefined {
    return this.byName.get(name)
  }

  /** The matching rules for a message, each with its action invocations. Never throws. */
  route(message: RuleMessage, context: EvaluationContext): RuleMatch[] {
    const prepared = PreparedMessage.from(message)
    if (prepared.topic.startsWith(BASIC_INGEST_PREFIX)) {
      const ingest = BASIC_INGEST.exec(prepared.topic)
      if (ingest) return this.routeBasicIngest(ingest[1] as string, ingest[2] as string, prepared, context)
    }
    const matches: RuleMatch[] = []
    // Which distinct filters were tried, and which matched; bit sets while they fit in a number.
    const small = this.filterCount <= 30
    let tried = 0
    let matched = 0
    const results: boolean[] | undefined = small ? undefined : new Array<boolean>(this.filterCount)
    const topic = prepared.topic
    for (let i = 0; i < this.enabled.length; i++) {
      const rule = this.enabled[i] as CompiledTopicRule
      const filter = this.filterOf[i] as number
      let subscribed: boolean
      if (small) {
        const bit = 1 << filter
        if ((tried & bit) === 0) {
          tried |= bit
          if (rule.rule.matchesTopic(topic)) matched |= bit
        }
        subscribed = (matched & bit) !== 0
      } else {
        const known = results as boolean[]
        known[filter] ??= rule.rule.matchesTopic(topic)
        subscribed = known[filter] === true
      }
      if (!subscribed) continue
      const match = (this.enabledMatchers[i] as RuleMatcher)(
        messageEnv(prepared, context, rule.rule.sqlVersion),
      )
      if (match) matches.push(match)
    }
    return matches
  }

  private routeBasicIngest(
    ruleName: string,
    topic: string,
    prepared: PreparedMessage,
    context: EvaluationContext,
  ): RuleMatch[] {
    const rule = this.byName.get(ruleName)
    if (rule === undefined || rule.disabled) return []
    const inner = PreparedMessage.from({ topic, payload: prepared.payloadBytes })
    const match = (this.matchers.get(rule) as RuleMatcher)(messageEnv(inner, context, rule.rule.sqlVersion))
    return match ? [match] : []
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
    return invoke(
      rule.name,
      rule.errorAction,
      -1,
      payload,
      messageEnv(prepared, context, rule.rule.sqlVersion),
    )
  }
}
