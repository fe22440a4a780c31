/**
 * `parse_time(pattern, epochMs[, zone])` formats a timestamp (Joda-Time pattern, zone default
 * "UTC"); `time_to_epoch(text, pattern)` reads one back (java.time pattern, UTC unless the text
 * names a zone). Both arrived with SQL version 2016-03-23. Invalid patterns, zones or text give
 * Undefined. The instant is the argument, never a clock: use `timestamp()` for "now".
 */

import { formatTime } from "../time/formatTime.ts"
import { parseTime } from "../time/parseTime.ts"
import { toDecimalNumber, toStringValue } from "../values/conversions.ts"
import { define, type FunctionDefinition, V2 } from "./definition.ts"

export const timeFunctions: Readonly<Record<string, FunctionDefinition>> = {
  parse_time: define(V2, 2, 3, (args) => {
    const pattern = toStringValue(args[0])
    const epochMs = toDecimalNumber(args[1])
    const zone = args.length === 3 ? toStringValue(args[2]) : "UTC"
    if (pattern === undefined || epochMs === undefined || zone === undefined) return undefined
    return formatTime(pattern, Math.trunc(epochMs), zone)
  }),
  time_to_epoch: define(V2, 2, 2, ([text, pattern]) => {
    const t = toStringValue(text)
    const p = toStringValue(pattern)
    return t === undefined || p === undefined ? undefined : parseTime(t, p)
  }),
}
