/**
 * One device's sensor: a ModelSpec brought to life with the device's random streams.
 *
 * `read(deviceTimeMs)` is called once per reading and returns the integer TEMPERATURE and
 * HUMIDITY, or undefined for a dropout (the device skips that publish). The base model
 * produces values inside the hands-on ranges; `stuck` then may freeze them, `spikes` may
 * throw one far outside (that is what an anomaly is), `dropouts` may swallow the reading.
 * Each part draws from its own stream (`<device>/values`, `<device>/spikes`, …), so adding a
 * fault leaves the base values unchanged. Readings that are dropped still count towards `SEQ`
 * (see device.ts), so a consumer can see the gap.
 */
import type { Random } from "../random.ts"
import { HANDS_ON_HUMIDITY, HANDS_ON_TEMPERATURE } from "../reading.ts"
import { localHourOfDay } from "../timestamp.ts"
import type { BaseModel, ModelSpec } from "./spec.ts"

export interface SensorValues {
  readonly temperature: number
  readonly humidity: number
}

export interface Sensor {
  /** This reading's values at device time `deviceTimeMs`, or undefined for a dropout. */
  readonly read: (deviceTimeMs: number) => SensorValues | undefined
  /** The device clock's fixed offset from true time (clock skew), in ms. */
  readonly skewMs: number
}

export interface SensorContext {
  /** The device's random stream for `purpose`. */
  readonly random: (purpose: string) => Random
  /** For daily models; default the host's zone. */
  readonly utcOffsetMinutes?: number
}

type Range = { readonly min: number; readonly max: number }
const clamp = (value: number, range: Range) => Math.min(range.max, Math.max(range.min, value))

/** Reflects a walk that stepped past an end back into the range. */
const reflect = (value: number, range: Range) =>
  value > range.max ? 2 * range.max - value : value < range.min ? 2 * range.min - value : value

const baseValues = (
  base: BaseModel,
  random: Random,
  context: SensorContext,
): ((t: number) => SensorValues) => {
  const T = HANDS_ON_TEMPERATURE
  const H = HANDS_ON_HUMIDITY
  switch (base.kind) {
    case "uniform":
      return () => ({ temperature: random.int(T.min, T.max), humidity: random.int(H.min, H.max) })
    case "walk": {
      let temperature = random.int(T.min, T.max)
      let humidity = random.int(H.min, H.max)
      const step = (spread: number) => Math.round((random.next() * 2 - 1) * spread)
      let first = true
      return () => {
        if (!first) {
          temperature = clamp(reflect(temperature + step(base.step), T), T)
          // Humidity's range is twice as wide, so it walks twice as far.
          humidity = clamp(reflect(humidity + step(2 * base.step), H), H)
        }
        first = false
        return { temperature, humidity }
      }
    }
    case "sine":
      return (t) => {
        // Warmest (and driest) at 15:00 device-local, coldest at 03:00.
        const phase = Math.sin((2 * Math.PI * (localHourOfDay(t, context.utcOffsetMinutes) - 9)) / 24)
        const jitter = () => (random.next() * 2 - 1) * base.noise
        return {
          temperature: clamp(Math.round(20 + 5 * phase + jitter()), T),
          humidity: clamp(Math.round(50 - 10 * phase + jitter()), H),
        }
      }
    case "decay": {
      let start: number | undefined
      return (t) => {
        start ??= t
        const left = 0.5 ** (Math.max(0, t - start) / 1000 / base.halfLifeSeconds)
        const jitter = () => random.int(-1, 1)
        return {
          temperature: clamp(Math.round(T.min + (T.max - T.min) * left) + jitter(), T),
          humidity: clamp(Math.round(H.min + (H.max - H.min) * left) + jitter(), H),
        }
      }
    }
  }
}

/** How far a spike lands outside the normal value: 15–30 °C, 25–45 %RH. */
const SPIKE_TEMPERATURE = { min: 15, max: 30 } as const
const SPIKE_HUMIDITY = { min: 25, max: 45 } as const
/** How many readings a stuck sensor repeats. */
const STUCK_READINGS = { min: 10, max: 100 } as const

export const makeSensor = (spec: ModelSpec, context: SensorContext): Sensor => {
  const base = baseValues(spec.base, context.random("values"), context)
  const spikes = spec.spikes === undefined ? undefined : { p: spec.spikes, random: context.random("spikes") }
  const stuck = spec.stuck === undefined ? undefined : { p: spec.stuck, random: context.random("stuck") }
  const dropouts =
    spec.dropouts === undefined ? undefined : { p: spec.dropouts, random: context.random("dropouts") }
  const skewRandom = context.random("skew")
  const skewMs = spec.skewSeconds ? Math.round((skewRandom.next() * 2 - 1) * spec.skewSeconds * 1000) : 0
  let frozen: SensorValues | undefined
  let frozenLeft = 0
  return {
    skewMs,
    read: (t) => {
      // Every part draws on every reading, whatever the others decided, so each stream's
      // sequence depends only on the reading count and the runs stay comparable.
      let values = base(t)
      const dropped = dropouts ? dropouts.random.chance(dropouts.p) : false
      if (stuck) {
        const startsNow = stuck.random.chance(stuck.p)
        const length = stuck.random.int(STUCK_READINGS.min, STUCK_READINGS.max)
        if (frozenLeft > 0) {
          frozenLeft--
          values = frozen ?? values
        } else if (startsNow) {
          frozen = values
          frozenLeft = length - 1
        }
      }
      if (spikes) {
        const spike = spikes.random.chance(spikes.p)
        const field = spikes.random.chance(0.5) ? "temperature" : "humidity"
        const up = spikes.random.chance(0.5)
        const temperatureJump = spikes.random.int(SPIKE_TEMPERATURE.min, SPIKE_TEMPERATURE.max)
        const humidityJump = spikes.random.int(SPIKE_HUMIDITY.min, SPIKE_HUMIDITY.max)
        if (spike) {
          values =
            field === "temperature"
              ? { ...values, temperature: values.temperature + (up ? temperatureJump : -temperatureJump) }
              : {
                  ...values,
                  humidity: clamp(values.humidity + (up ? humidityJump : -humidityJump), {
                    min: 0,
                    max: 100,
                  }),
                }
        }
      }
      return dropped ? undefined : values
    },
  }
}
