/**
 * Functions about the message and its circumstances: topic, clientid, principal, timestamp,
 * newuuid, accountid, traceid, sql_version.
 *
 * None of them reads a clock or a random source: the evaluation context supplies the time, the
 * uuids and the identities, so the same message in the same context always gives the same
 * output. `topic(n)` counts levels from 1 and is Undefined outside the topic; `clientid()` is
 * "n/a" when the context has no client id, as IoT Core answers for messages that did not come
 * over MQTT.
 */
import { toDecimalNumber } from "../values/conversions.ts"
import { define, type FunctionDefinition, V1 } from "./definition.ts"

/** Level `index` (0-based) of a topic, found without splitting it. */
const topicLevel = (topic: string, index: number): string | undefined => {
  if (!(index >= 0)) return undefined
  let start = 0
  for (let i = 0; i < index; i++) {
    const slash = topic.indexOf("/", start)
    if (slash < 0) return undefined
    start = slash + 1
  }
  const end = topic.indexOf("/", start)
  return end < 0 ? topic.slice(start) : topic.slice(start, end)
}

export const contextFunctions: Readonly<Record<string, FunctionDefinition>> = {
  topic: define(
    V1,
    0,
    1,
    (args, env) => {
      if (args.length === 0) return env.message.topic
      const n = toDecimalNumber(args[0])
      return n === undefined ? undefined : topicLevel(env.message.topic, Math.trunc(n) - 1)
    },
    // `topic(2)` with a literal level, as partition keys use it: the index is known now.
    (site) => {
      const [arg] = site.args
      if (site.args.length !== 1 || arg?.kind !== "number") return undefined
      const index = Math.trunc(Number(arg.text)) - 1
      if (!(index >= 0)) return () => undefined
      return (env) => topicLevel(env.message.topic, index)
    },
  ),
  clientid: define(V1, 0, 0, (_args, env) => env.context.clientId ?? "n/a"),
  principal: define(V1, 0, 0, (_args, env) => env.context.principal),
  timestamp: define(V1, 0, 0, (_args, env) => env.context.timestampMs),
  newuuid: define(V1, 0, 0, (_args, env) => env.context.newUuid()),
  accountid: define(V1, 0, 0, (_args, env) => env.context.accountId),
  traceid: define(V1, 0, 0, (_args, env) => env.context.traceId),
  sql_version: define(V1, 0, 0, (_args, env) => env.version),
}
