/**
 * Seeded randomness: every random value of a simulation derives from one seed, so the same
 * seed gives the same run.
 *
 * A run draws from many independent streams — one per device and purpose (`device-7/values`,
 * `device-7/spikes`, `device-7/backoff`) — each seeded from a hash of the run seed and the
 * stream's name. Streams never share state, so the values a device produces do not depend on
 * how its draws interleave with other devices' (the event loop's order does not leak into the
 * data), and adding a fault model does not shift the base model's values.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator: 128-bit state,
 * passes PractRand to many terabytes); the seeding hash is cyrb128. Neither is cryptographic —
 * this is simulation data, not secrets.
 */

export interface Random {
  /** A float in [0, 1). */
  readonly next: () => number
  /** An integer in [min, max], both inclusive. */
  readonly int: (min: number, max: number) => number
  /** True with probability p. */
  readonly chance: (p: number) => boolean
}

/** cyrb128: a 128-bit hash of a string, as four 32-bit words. */
const cyrb128 = (text: string): [number, number, number, number] => {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

/** The stream named `stream` of the run seeded with `seed`. */
export const seededRandom = (seed: string | number, stream: string): Random => {
  let [a, b, c, d] = cyrb128(`${seed}\u0000${stream}`)
  const next = (): number => {
    a >>>= 0
    b >>>= 0
    c >>>= 0
    d >>>= 0
    let t = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    t = (t + d) | 0
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  // Discard the first outputs: sfc32 mixes its seed over its first few rounds.
  for (let i = 0; i < 12; i++) next()
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
  }
}

/** A fresh random seed for runs that were not given one (printed so the run can be replayed). */
export const randomSeed = (): string => String(Math.floor(Math.random() * 2 ** 32))
