/**
 * Which sensor model a device runs, as data: a base model and optional fault modifiers.
 *
 * The text form, used by `sluice sim --model`, is terms joined by `+`, each `name` or
 * `name:number` (the number is the term's main parameter):
 *
 *   uniform            the hands-on: TEMPERATURE 20±5, HUMIDITY 50±10, independent draws
 *   walk[:step]        random walk, ±step per reading (default 1), reflected at the range ends
 *   sine[:noise]       daily cycle, warmest at 15:00 device-local, ±noise jitter (default 1)
 *   decay[:halfLife]   falls from the top of the range to the bottom, half-life in s (default 3600)
 *   spikes[:p]         with probability p (default 0.01) one field jumps far out of range
 *   stuck[:p]          with probability p (default 0.005) the sensor repeats its value 10–100 times
 *   dropouts[:p]       with probability p (default 0.05) a reading is not sent at all
 *   skew[:seconds]     the device clock is off by a fixed amount in ±seconds (default 120)
 *   seq                add the `SEQ` field: 0, 1, 2, … per device
 *
 * e.g. `walk+spikes:0.02+dropouts`. At most one base model (default uniform); each modifier
 * at most once.
 */

export type BaseModel =
  | { readonly kind: "uniform" }
  | { readonly kind: "walk"; readonly step: number }
  | { readonly kind: "sine"; readonly noise: number }
  | { readonly kind: "decay"; readonly halfLifeSeconds: number }

export interface ModelSpec {
  readonly base: BaseModel
  /** Probability per reading of an out-of-range spike. */
  readonly spikes?: number
  /** Probability per reading of getting stuck. */
  readonly stuck?: number
  /** Probability per reading of a dropout. */
  readonly dropouts?: number
  /** Bound of the device's fixed clock offset, in seconds. */
  readonly skewSeconds?: number
  /** Whether readings carry `SEQ`. */
  readonly sequence?: boolean
}

/** The hands-on device's model. */
export const HANDS_ON_MODEL: ModelSpec = { base: { kind: "uniform" } }

export class InvalidModel extends Error {
  override readonly name = "InvalidModel"
}

type Term = { readonly check: (n: number) => string | undefined; readonly fallback: number | undefined }

const probability: Term["check"] = (n) => (n >= 0 && n <= 1 ? undefined : "a probability between 0 and 1")
const positive: Term["check"] = (n) => (n > 0 ? undefined : "a number above 0")
const nonNegative: Term["check"] = (n) => (n >= 0 ? undefined : "a number of at least 0")

const TERMS: Readonly<Record<string, Term>> = {
  uniform: { check: () => undefined, fallback: undefined },
  walk: { check: positive, fallback: 1 },
  sine: { check: nonNegative, fallback: 1 },
  decay: { check: positive, fallback: 3600 },
  spikes: { check: probability, fallback: 0.01 },
  stuck: { check: probability, fallback: 0.005 },
  dropouts: { check: probability, fallback: 0.05 },
  skew: { check: nonNegative, fallback: 120 },
  seq: { check: () => undefined, fallback: undefined },
}

const BASES = new Set(["uniform", "walk", "sine", "decay"])

/** Parses `walk+spikes:0.02+seq` into a ModelSpec; throws InvalidModel with the reason. */
export const parseModel = (text: string): ModelSpec => {
  let base: BaseModel | undefined
  const modifiers: { -readonly [K in keyof ModelSpec]?: ModelSpec[K] } = {}
  const seen = new Set<string>()
  for (const raw of text.split("+")) {
    const term = raw.trim()
    const [name = "", parameter, ...extra] = term.split(":")
    const spec = TERMS[name]
    if (!spec) {
      throw new InvalidModel(
        `unknown model term '${term}' in '${text}'; known: ${Object.keys(TERMS).join(", ")}`,
      )
    }
    if (seen.has(name)) throw new InvalidModel(`model term '${name}' appears twice in '${text}'`)
    seen.add(name)
    let value = spec.fallback
    if (parameter !== undefined || extra.length > 0) {
      if (spec.fallback === undefined)
        throw new InvalidModel(`model term '${name}' takes no parameter (got '${term}')`)
      const n = Number(parameter)
      const problem = spec.check(n)
      if (extra.length > 0 || parameter === "" || !Number.isFinite(n) || problem !== undefined) {
        throw new InvalidModel(`model term '${term}': the parameter must be ${problem ?? "a number"}`)
      }
      value = n
    }
    if (BASES.has(name)) {
      if (base) throw new InvalidModel(`'${text}' names two base models (${base.kind} and ${name}); pick one`)
      base =
        name === "walk"
          ? { kind: "walk", step: value! }
          : name === "sine"
            ? { kind: "sine", noise: value! }
            : name === "decay"
              ? { kind: "decay", halfLifeSeconds: value! }
              : { kind: "uniform" }
    } else if (name === "spikes") modifiers.spikes = value!
    else if (name === "stuck") modifiers.stuck = value!
    else if (name === "dropouts") modifiers.dropouts = value!
    else if (name === "skew") modifiers.skewSeconds = value!
    else if (name === "seq") modifiers.sequence = true
  }
  return { base: base ?? { kind: "uniform" }, ...modifiers }
}

/** The text form of a spec (inverse of parseModel), for summaries. */
export const formatModel = (spec: ModelSpec): string => {
  const base = spec.base
  const terms = [
    base.kind === "uniform"
      ? "uniform"
      : base.kind === "walk"
        ? `walk:${base.step}`
        : base.kind === "sine"
          ? `sine:${base.noise}`
          : `decay:${base.halfLifeSeconds}`,
  ]
  if (spec.spikes !== undefined) terms.push(`spikes:${spec.spikes}`)
  if (spec.stuck !== undefined) terms.push(`stuck:${spec.stuck}`)
  if (spec.dropouts !== undefined) terms.push(`dropouts:${spec.dropouts}`)
  if (spec.skewSeconds !== undefined) terms.push(`skew:${spec.skewSeconds}`)
  if (spec.sequence) terms.push("seq")
  return terms.join("+")
}
