/**
 * The classic device shadow's `wait_time` protocol, as pure functions over topics and payloads
 * (the device runtime does the publishing; see device.ts).
 *
 *   1. subscribe `…/shadow/get/accepted` and `…/get/rejected`, publish "" to `…/shadow/get`;
 *   2. accepted: wait_time from `state.delta`, else `state.desired`, else `state.reported`;
 *      rejected with code 404 (no shadow yet): report the default;
 *   3. subscribe `…/shadow/update/delta`; a delta with `wait_time` is adopted (null resets to
 *      the default) and reported back as `{"state":{"reported":{"wait_time":v}}}` on `…/update`.
 *
 * Beyond the letter of the hands-on, two reports keep the shadow converging: after a get whose
 * value came from `delta` (the cloud asked for a change while the device was away), and after
 * a get where no section carries `wait_time` (like the 404 case). Values that are not a number
 * in (0, 86400] seconds are refused and the device keeps its interval: a real device would
 * crash on `time.sleep("10")`, and a zero would spin; the refusal is counted as an error.
 */

export const SHADOW_DEFAULT_WAIT_TIME_S = 5
/** Longest accepted wait_time: a day. Longer values are almost certainly units mistakes. */
export const SHADOW_MAX_WAIT_TIME_S = 86_400

export interface ShadowTopics {
  readonly get: string
  readonly getAccepted: string
  readonly getRejected: string
  readonly update: string
  readonly updateDelta: string
}

export const shadowTopics = (thingName: string): ShadowTopics => {
  const root = `$aws/things/${thingName}/shadow`
  return {
    get: `${root}/get`,
    getAccepted: `${root}/get/accepted`,
    getRejected: `${root}/get/rejected`,
    update: `${root}/update`,
    updateDelta: `${root}/update/delta`,
  }
}

/** What a shadow message means for the device. */
export type ShadowAction =
  /** Adopt `waitTime`; publish a report when `report` is set. */
  | { readonly kind: "adopt"; readonly waitTime: number; readonly report: boolean; readonly source: string }
  /** Nothing to do (a message without `wait_time`, or another error code). */
  | { readonly kind: "ignore"; readonly reason: string }
  /** A `wait_time` the device refuses. */
  | { readonly kind: "invalid"; readonly reason: string }

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const parse = (payload: Uint8Array | string): unknown => {
  try {
    return JSON.parse(typeof payload === "string" ? payload : Buffer.from(payload).toString("utf8"))
  } catch {
    return undefined
  }
}

/** Checks one wait_time value: a number in (0, SHADOW_MAX_WAIT_TIME_S]. */
export const waitTimeProblem = (value: unknown): string | undefined =>
  typeof value !== "number" || !Number.isFinite(value)
    ? `wait_time must be a number, got ${JSON.stringify(value)}`
    : value <= 0 || value > SHADOW_MAX_WAIT_TIME_S
      ? `wait_time must be above 0 and at most ${SHADOW_MAX_WAIT_TIME_S} s, got ${value}`
      : undefined

const adoptOrRefuse = (value: unknown, report: boolean, source: string): ShadowAction => {
  const problem = waitTimeProblem(value)
  return problem === undefined
    ? { kind: "adopt", waitTime: value as number, report, source }
    : { kind: "invalid", reason: `${source}: ${problem}` }
}

/** Step 2, accepted: the value from delta, else desired, else reported. */
export const onGetAccepted = (payload: Uint8Array | string, defaultWaitTime: number): ShadowAction => {
  const document = parse(payload)
  const state = isObject(document) && isObject(document.state) ? document.state : {}
  for (const section of ["delta", "desired", "reported"] as const) {
    const values = state[section]
    if (isObject(values) && "wait_time" in values) {
      if (values.wait_time === null)
        return { kind: "adopt", waitTime: defaultWaitTime, report: true, source: section }
      return adoptOrRefuse(values.wait_time, section === "delta", `get/accepted state.${section}`)
    }
  }
  return {
    kind: "adopt",
    waitTime: defaultWaitTime,
    report: true,
    source: "default (no wait_time in shadow)",
  }
}

/** Step 2, rejected: a 404 means no shadow yet, so report the default. */
export const onGetRejected = (payload: Uint8Array | string, defaultWaitTime: number): ShadowAction => {
  const document = parse(payload)
  const code = isObject(document) ? document.code : undefined
  return code === 404
    ? { kind: "adopt", waitTime: defaultWaitTime, report: true, source: "default (no shadow, 404)" }
    : {
        kind: "ignore",
        reason: `shadow get rejected: ${isObject(document) ? JSON.stringify(document) : "unreadable"}`,
      }
}

/** Step 3: a delta carrying wait_time (null resets to the default). */
export const onDelta = (payload: Uint8Array | string, defaultWaitTime: number): ShadowAction => {
  const document = parse(payload)
  const state = isObject(document) && isObject(document.state) ? document.state : undefined
  if (!state || !("wait_time" in state)) return { kind: "ignore", reason: "delta without wait_time" }
  if (state.wait_time === null)
    return { kind: "adopt", waitTime: defaultWaitTime, report: true, source: "delta (null: reset)" }
  return adoptOrRefuse(state.wait_time, true, "delta")
}

/** The report the device publishes to `…/shadow/update`. */
export const reportedWaitTime = (waitTime: number): string =>
  JSON.stringify({ state: { reported: { wait_time: waitTime } } })
