/**
 * Firehose's object names: `<evaluated prefix><stream>-<version>-<yyyy>-<MM>-<dd>-<HH>-<mm>-<ss>-<uuid><ext>`.
 *
 * Source: Amazon Data Firehose developer guide, "Configure Amazon S3 object name format". The
 * time is the approximate arrival time of the oldest record in the object, in UTC (the same
 * instant the prefix's `!{timestamp:…}` uses). The UUID makes names unique; the caller supplies
 * it so tests can seed it. Names sort by time within a prefix, which is what makes a listing
 * read like a log.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, "0")

export const firehoseObjectSuffix = (options: {
  readonly streamName: string
  readonly version: number
  readonly timestampMs: number
  readonly uuid: string
  readonly extension: string
}): string => {
  const t = new Date(options.timestampMs)
  const time = [
    pad(t.getUTCFullYear(), 4),
    pad(t.getUTCMonth() + 1),
    pad(t.getUTCDate()),
    pad(t.getUTCHours()),
    pad(t.getUTCMinutes()),
    pad(t.getUTCSeconds()),
  ].join("-")
  return `${options.streamName}-${options.version}-${time}-${options.uuid}${options.extension}`
}

/** Formats 16 random bytes as a version-4 UUID. */
export const uuidFromBytes = (bytes: Uint8Array): string => {
  const b = Array.from(bytes.subarray(0, 16), (byte) => byte)
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80
  const hex = b.map((byte) => byte.toString(16).padStart(2, "0")).join("")
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}
