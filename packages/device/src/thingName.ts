/**
 * Device names. A simulated device's name is its MQTT client id, the `DEVICE_NAME` of its
 * readings, a segment of its topics and, on AWS IoT Core, its thing name — so it must be a
 * valid thing name: 1–128 characters of `a-z A-Z 0-9 : _ -` (core's `DEVICE_NAME_PATTERN`).
 * That alphabet also needs no escaping in JSON or topics, which the payload encoder relies on.
 */
import { DEVICE_NAME_PATTERN } from "@sluice/core"

/** Why `name` is not a valid AWS IoT thing name, or undefined when it is. */
export const thingNameProblem = (name: string): string | undefined => {
  if (DEVICE_NAME_PATTERN.test(name)) return undefined
  if (name.length === 0) return "a device name cannot be empty"
  if (name.length > 128)
    return `device name is ${name.length} characters long; AWS IoT thing names have at most 128`
  const bad = [...new Set(name.replace(/[a-zA-Z0-9:_-]/g, ""))].map((c) => JSON.stringify(c)).join(", ")
  return `device name ${JSON.stringify(name)} contains ${bad}; AWS IoT thing names allow only a-z A-Z 0-9 : _ -`
}

export class InvalidDeviceName extends Error {
  override readonly name = "InvalidDeviceName"
}

/** Throws `InvalidDeviceName` unless `name` is a valid thing name. */
export const assertThingName = (name: string): string => {
  const problem = thingNameProblem(name)
  if (problem !== undefined) throw new InvalidDeviceName(problem)
  return name
}

/** The fleet's names: `<prefix>1` … `<prefix><count>`, each checked. */
export const fleetDeviceNames = (prefix: string, count: number): ReadonlyArray<string> => {
  const names: string[] = []
  for (let n = 1; n <= count; n++) names.push(assertThingName(`${prefix}${n}`))
  return names
}
