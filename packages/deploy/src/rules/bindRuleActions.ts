/**
 * Binds a rule's actions to the stack's resources, replacing the rules file's logical names.
 *
 * The rules file is shared with `sluice up`, so it names targets logically; here each one
 * becomes the real resource and the role the rules engine assumes for it:
 * - `kinesis` with `streamName: "telemetry"` → the stack's stream; its partition key is kept
 *   (it must be set: the device, so a device's readings stay in order on one shard);
 * - `firehose` with `deliveryStreamName: "telemetry-lake"` → the delivery stream, separator `"\n"`
 *   (the default when the file gives none; any other separator is refused: the lake reads lines);
 * - `openSearch` → the domain's HTTPS endpoint; `index` and `id` are kept and must be set, so
 *   documents get deterministic ids and daily indexes, and the index must be under the stack's
 *   index prefix (`telemetry-…`), the only indexes its role may write;
 * - an `errorAction` (`cloudwatchLogs`) is bound to the stack's rule-error log group, and a rule
 *   without one gets it too: every rule reports its failures somewhere.
 * Any other action, or a logical name the stack does not know, fails synthesis: deploying a
 * rule whose target does not exist would only fail later, at message time, in the error log.
 */
import type { RuleAction, TopicRulePayload } from "./rulesFile.ts"

export const LOGICAL_STREAM = "telemetry"
export const LOGICAL_DELIVERY_STREAM = "telemetry-lake"
export const LAKE_SEPARATOR = "\n"

export interface RuleTargets {
  readonly kinesis: { readonly streamName: string; readonly roleArn: string }
  readonly firehose: { readonly deliveryStreamName: string; readonly roleArn: string }
  readonly openSearch: { readonly endpoint: string; readonly roleArn: string; readonly indexPrefix: string }
  readonly errorLogs: { readonly logGroupName: string; readonly roleArn: string }
}

const refuse = (rule: string, message: string): never => {
  throw new Error(`rule ${rule}: ${message}`)
}

const bindAction = (rule: string, action: RuleAction, targets: RuleTargets): RuleAction => {
  const kinds = Object.keys(action).filter((key) => (action as Record<string, unknown>)[key] !== undefined)
  if (kinds.length !== 1)
    refuse(rule, `an action must have exactly one kind, got ${kinds.join(", ") || "none"}`)
  const kind = kinds[0]
  if (kind === "kinesis" && action.kinesis && typeof action.kinesis === "object") {
    const k = action.kinesis as { streamName?: string; partitionKey?: string }
    if (k.streamName !== LOGICAL_STREAM)
      refuse(rule, `unknown Kinesis stream ${JSON.stringify(k.streamName)}`)
    if (!k.partitionKey) refuse(rule, "the Kinesis action needs a partition key (the device)")
    return { kinesis: { ...k, ...targets.kinesis } }
  }
  if (kind === "firehose" && action.firehose && typeof action.firehose === "object") {
    const f = action.firehose as { deliveryStreamName?: string; separator?: string }
    if (f.deliveryStreamName !== LOGICAL_DELIVERY_STREAM)
      refuse(rule, `unknown delivery stream ${JSON.stringify(f.deliveryStreamName)}`)
    if ((f.separator ?? LAKE_SEPARATOR) !== LAKE_SEPARATOR)
      refuse(rule, 'the Firehose separator must be "\\n"')
    return { firehose: { ...f, ...targets.firehose, separator: LAKE_SEPARATOR } }
  }
  if (kind === "openSearch" && action.openSearch && typeof action.openSearch === "object") {
    const o = action.openSearch as { index?: string; id?: string; type?: string }
    if (!o.index || !o.id) refuse(rule, "the OpenSearch action needs an index and a deterministic id")
    const { indexPrefix, ...target } = targets.openSearch
    // The rules engine's role may write only to `<prefix>-*` indexes: anything else would be refused.
    if (!o.index?.startsWith(`${indexPrefix}-`))
      refuse(rule, `the OpenSearch index ${JSON.stringify(o.index)} must start with "${indexPrefix}-"`)
    return { openSearch: { type: "_doc", ...o, ...target } as never }
  }
  return refuse(rule, `the stack cannot bind a ${kind} action (it binds kinesis, firehose and openSearch)`)
}

const bindErrorAction = (rule: string, action: RuleAction | undefined, targets: RuleTargets): RuleAction => {
  if (action === undefined) return { cloudwatchLogs: { ...targets.errorLogs } }
  if (action.cloudwatchLogs)
    return { cloudwatchLogs: { ...(action.cloudwatchLogs as object), ...targets.errorLogs } }
  return refuse(rule, "the stack binds only a cloudwatchLogs error action (to its rule-error log group)")
}

/** The payload with every action and the error action bound to the stack's resources. */
export const bindRuleActions = (
  rule: string,
  payload: TopicRulePayload,
  targets: RuleTargets,
): TopicRulePayload => ({
  ...payload,
  actions: (payload.actions as RuleAction[]).map((action) => bindAction(rule, action, targets)),
  errorAction: bindErrorAction(rule, payload.errorAction as RuleAction | undefined, targets),
})
