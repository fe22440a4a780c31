/**
 * What a device publishes: the hands-on payload, built by hand for speed (a fleet encodes
 * ten thousand of these a second).
 *
 * `{"DEVICE_NAME":…,"TIMESTAMP":…,"TEMPERATURE":…,"HUMIDITY":…}` in that order, plus `"SEQ":n`
 * when the device numbers its readings. The name is a validated thing name and the timestamp
 * a fixed digit pattern, so neither needs JSON escaping; the numbers are integers, as the
 * hands-on's are. core's `decodeReading` reads these payloads back (a test holds them to it).
 */
import { SEQUENCE_FIELD } from "@sluice/core"

/** Hands-on ranges: TEMPERATURE 20 ± 5 and HUMIDITY 50 ± 10, integers (REFERENCE.md). */
export const HANDS_ON_TEMPERATURE = { min: 15, max: 25 } as const
export const HANDS_ON_HUMIDITY = { min: 40, max: 60 } as const

/** The topic a device publishes its readings to. */
export const dataTopic = (deviceName: string): string => `data/${deviceName}`

export interface DeviceReading {
  readonly DEVICE_NAME: string
  readonly TIMESTAMP: string
  readonly TEMPERATURE: number
  readonly HUMIDITY: number
  readonly SEQ?: number
}

/** The JSON text of a reading, fields in the hands-on order. */
export const encodeReading = (reading: DeviceReading): string => {
  const head = `{"DEVICE_NAME":"${reading.DEVICE_NAME}","TIMESTAMP":"${reading.TIMESTAMP}","TEMPERATURE":${reading.TEMPERATURE},"HUMIDITY":${reading.HUMIDITY}`
  return reading.SEQ === undefined ? `${head}}` : `${head},"${SEQUENCE_FIELD}":${reading.SEQ}}`
}
