/**
 * What the rules deliver to, derived from the rules file: the Kinesis streams, Firehose
 * delivery streams and whether a search index is needed. Local resources are opened by name at
 * start, so a stream name must be literal (a `${…}` template could name a stream nobody reads).
 */
import { type Action, actionParams, actionType } from "@sluice/core"

export interface PipelineParts {
  readonly kinesisStreams: ReadonlyArray<string>
  readonly deliveryStreams: ReadonlyArray<string>
  readonly search: boolean
  /** Actions `sluice up` cannot run (they will be dead-lettered when a rule fires them). */
  readonly unsupported: ReadonlyArray<string>
  readonly problems: ReadonlyArray<string>
}

const SUPPORTED = new Set(["kinesis", "firehose", "openSearch", "republish"])
const NAME = /^[a-zA-Z0-9_.-]{1,128}$/

export const pipelinePartsOf = (rulesFile: {
  readonly rules: Readonly<Record<string, { readonly actions: ReadonlyArray<Action> }>>
}): PipelineParts => {
  const kinesis = new Set<string>()
  const delivery = new Set<string>()
  const unsupported = new Set<string>()
  const problems: string[] = []
  let search = false
  for (const [ruleName, rule] of Object.entries(rulesFile.rules)) {
    for (const action of rule.actions) {
      const type = actionType(action)
      const params = actionParams(action)
      const name =
        type === "kinesis" ? params.streamName : type === "firehose" ? params.deliveryStreamName : undefined
      if (type === "kinesis" || type === "firehose") {
        if (typeof name !== "string" || !NAME.test(name)) {
          problems.push(
            `rule ${ruleName}: sluice up needs a literal ${type} stream name (letters, digits, _ . -), got ${JSON.stringify(name)}`,
          )
          continue
        }
        ;(type === "kinesis" ? kinesis : delivery).add(name)
      } else if (type === "openSearch") search = true
      else if (!SUPPORTED.has(type)) unsupported.add(`${ruleName}: ${type}`)
    }
  }
  return {
    kinesisStreams: [...kinesis],
    deliveryStreams: [...delivery],
    search,
    unsupported: [...unsupported],
    problems,
  }
}

/** The local stream a Firehose delivery stream's records are made durable in. */
export const firehoseStreamName = (deliveryStreamName: string) => `firehose-${deliveryStreamName}`
export const SEARCH_STREAM_NAME = "search"
