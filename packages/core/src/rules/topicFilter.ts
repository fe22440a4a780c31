/**
 * MQTT topic filters: validation and matching, as the FROM clause and subscriptions use them.
 *
 * `+` matches exactly one level (an empty one too), `#` matches the parent level and everything
 * below it and must be the last level; both must fill a level on their own (`a/b+` is invalid).
 * As in MQTT 3.1.1 §4.7.2, a filter that starts with a wildcard does not match topics starting
 * with `$` (`#` does not see `$aws/…`). Filters and topics are at most 256 bytes of UTF-8, the
 * AWS IoT Core limit for topics and topic filters. Matching is precompiled per filter and walks
 * the topic without splitting it.
 */

/** AWS IoT Core: topic names and topic filters are at most 256 bytes, UTF-8 encoded. */
export const MAX_TOPIC_BYTES = 256

import { utf8Length } from "../telemetry/json.ts"

/** Why `filter` is not a valid topic filter, or undefined when it is. */
export const topicFilterProblem = (filter: string): string | undefined => {
  if (filter.length === 0) return "a topic filter cannot be empty"
  if (filter.includes("\u0000")) return "a topic filter cannot contain the null character"
  if (utf8Length(filter) > MAX_TOPIC_BYTES) return `a topic filter is at most ${MAX_TOPIC_BYTES} bytes`
  const levels = filter.split("/")
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as string
    if (level.includes("#") && (level !== "#" || i !== levels.length - 1)) {
      return "'#' must be a whole level and the last one (as in 'data/#')"
    }
    if (level.includes("+") && level !== "+") return "'+' must be a whole level (as in 'data/+/temperature')"
  }
  return undefined
}

/** Why `topic` is not a valid topic name to publish to, or undefined when it is. */
export const topicNameProblem = (topic: string): string | undefined => {
  if (topic.length === 0) return "a topic cannot be empty"
  if (topic.includes("+") || topic.includes("#"))
    return "a topic name cannot contain the wildcards '+' or '#'"
  if (topic.includes("\u0000")) return "a topic cannot contain the null character"
  if (utf8Length(topic) > MAX_TOPIC_BYTES) return `a topic is at most ${MAX_TOPIC_BYTES} bytes`
  return undefined
}

export type TopicMatcher = (topic: string) => boolean

/** A matcher for a valid filter (see `topicFilterProblem`). */
export const compileTopicFilter = (filter: string): TopicMatcher => {
  if (!filter.includes("+") && !filter.includes("#")) return (topic) => topic === filter
  const levels = filter.split("/")
  const last = levels[levels.length - 1]
  const prefix = levels.slice(0, -1).join("/")
  if (levels.length > 1 && !prefix.includes("+") && !prefix.includes("#")) {
    // The common shapes, `data/+` and `data/#`: a literal prefix and one trailing wildcard.
    const head = `${prefix}/`
    if (last === "+") return (topic) => topic.startsWith(head) && topic.indexOf("/", head.length) < 0
    if (last === "#") return (topic) => topic.startsWith(head) || (topic === prefix && topic.length > 0)
  }
  const count = levels.length
  const wildcardFirst = filter.startsWith("+") || filter.startsWith("#")
  return (topic) => {
    if (topic.length === 0 || (wildcardFirst && topic.charCodeAt(0) === 36)) return false
    let start = 0
    for (let i = 0; i < count; i++) {
      const level = levels[i] as string
      if (level === "#") return true
      const slash = topic.indexOf("/", start)
      const end = slash < 0 ? topic.length : slash
      if (level !== "+" && (end - start !== level.length || !topic.startsWith(level, start))) return false
      if (slash < 0) {
        // Last topic level: the filter must end here, or continue with just `#`.
        return i === count - 1 || (i === count - 2 && levels[count - 1] === "#")
      }
      start = slash + 1
    }
    return false
  }
}

const SHARED_MATCHERS_LIMIT = 1024
const sharedMatchers = new Map<string, TopicMatcher>()

/**
 * The one matcher for a filter: every rule with the same filter gets the same function, so a
 * message can remember "this filter matched" and rules sharing a filter test the topic once.
 */
export const sharedTopicMatcher = (filter: string): TopicMatcher => {
  let matcher = sharedMatchers.get(filter)
  if (matcher === undefined) {
    if (sharedMatchers.size >= SHARED_MATCHERS_LIMIT) sharedMatchers.clear()
    matcher = compileTopicFilter(filter)
    sharedMatchers.set(filter, matcher)
  }
  return matcher
}

/** Whether `topic` matches `filter`; an invalid filter matches nothing. */
export const topicMatches = (filter: string, topic: string): boolean =>
  topicFilterProblem(filter) === undefined && compileTopicFilter(filter)(topic)
