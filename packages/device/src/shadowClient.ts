/**
 * A device's side of the classic shadow, over its transport: the start sequence (subscribe
 * `get/accepted` + `get/rejected`, publish an empty `get`, subscribe `update/delta`, each
 * acknowledged before the next, as the hands-on does) and the handling of what arrives on
 * those topics (shadow.ts decides; this file adopts, reports and tells). A step that fails is
 * reported and the device carries on: readings matter more than the shadow.
 */
import type { DeviceEvent } from "./device.ts"
import {
  onDelta,
  onGetAccepted,
  onGetRejected,
  reportedWaitTime,
  type ShadowAction,
  shadowTopics,
} from "./shadow.ts"
import type { Transport } from "./transport/transport.ts"

export interface ShadowClientOptions {
  readonly name: string
  readonly transport: Transport
  /** What a 404 or a null delta resets to. */
  readonly defaultWaitTime: number
  /** Called with every adopted wait_time. */
  readonly adopt: (waitTime: number) => void
  readonly fail: (error: Error) => void
  readonly emit: (event: DeviceEvent) => void
}

export interface ShadowClient {
  /** The hands-on's start sequence; resolves when done (failed steps reported, not thrown). */
  readonly start: () => Promise<void>
  /** Routes a message if it is on one of the shadow topics. */
  readonly onMessage: (topic: string, payload: Uint8Array) => void
}

export const shadowClient = (options: ShadowClientOptions): ShadowClient => {
  const { name, transport, defaultWaitTime, emit } = options
  const topics = shadowTopics(name)
  const problem = (reason: string) => {
    options.fail(new Error(reason))
    emit({ type: "shadow-error", device: name, reason })
  }

  const apply = (action: ShadowAction) => {
    if (action.kind === "ignore") return
    if (action.kind === "invalid") return problem(action.reason)
    options.adopt(action.waitTime)
    emit({
      type: "wait-time",
      device: name,
      waitTime: action.waitTime,
      source: action.source,
      reported: action.report,
    })
    if (action.report) {
      transport
        .publish(topics.update, reportedWaitTime(action.waitTime))
        .catch((error: Error) => problem(`report failed: ${error.message}`))
    }
  }

  const step = async (what: string, action: () => Promise<void>) => {
    try {
      await action()
    } catch (error) {
      problem(`${what}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  return {
    start: async () => {
      await step("subscribe get/accepted, get/rejected", () =>
        transport.subscribe([topics.getAccepted, topics.getRejected]),
      )
      await step("publish get", () => transport.publish(topics.get, ""))
      await step("subscribe update/delta", () => transport.subscribe([topics.updateDelta]))
    },
    onMessage: (topic, payload) => {
      if (topic === topics.updateDelta) apply(onDelta(payload, defaultWaitTime))
      else if (topic === topics.getAccepted) apply(onGetAccepted(payload, defaultWaitTime))
      else if (topic === topics.getRejected) apply(onGetRejected(payload, defaultWaitTime))
    },
  }
}
