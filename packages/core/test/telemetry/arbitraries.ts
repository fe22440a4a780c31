/**
 * Generators of hands-on payloads for property tests: valid ones, and ones broken in exactly
 * one field.
 */
import fc from "fast-check"

export const deviceName = fc.stringMatching(/^[a-zA-Z0-9:_-]{1,24}$/)

/** Canonical-format times between 2000 and 2099, whole seconds. */
export const handsOnTimestamp = fc
  .integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2099, 11, 31) / 1000 })
  .map((seconds) => new Date(seconds * 1000).toISOString().slice(0, 19))

/** Extra fields as they arrive over the wire: JSON, so never -0 (JSON writes it as 0). */
export const extraFields = fc
  .dictionary(
    fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("__proto__", "constructor", "prototype")),
    fc.jsonValue({ maxDepth: 2 }),
    { maxKeys: 3 },
  )
  .map((extra) => JSON.parse(JSON.stringify(extra)) as Record<string, unknown>)

export const validPayload = fc
  .record({
    DEVICE_NAME: deviceName,
    TIMESTAMP: handsOnTimestamp,
    TEMPERATURE: fc.integer({ min: 15, max: 25 }),
    HUMIDITY: fc.integer({ min: 40, max: 60 }),
    SEQ: fc.option(fc.nat(), { nil: undefined }),
    extra: extraFields,
  })
  .map(({ extra, SEQ, ...known }) => {
    const base = Object.fromEntries(Object.entries(extra).filter(([k]) => !(k in known) && k !== "SEQ"))
    return SEQ === undefined ? { ...base, ...known } : { ...base, ...known, SEQ }
  })
