/**
 * An exact set of sort keys, as JSON, small when keys come in runs: the aggregates' record of the
 * readings counted in an open window (their duplicate check, decision 1002).
 *
 * The set is a sorted array whose elements are a single key (a string) or a run `[first, count]`:
 * `count` ≥ 2 keys, each the successor of the one before — the same text with its trailing
 * digits one higher at the same width (`…07:00:12#0000000000000041` → `…42`, `…07:00:12` →
 * `…07:00:13`). Runs are maximal and never span another element in string order, so the form is
 * canonical: the same keys, added in any order, give the same array — the same state, whoever
 * folds the history (a rebuild equals the live view, bit for bit).
 *
 * Why: a window's readings from one device are a run of consecutive SEQ values within each second
 * (or of consecutive seconds without SEQ), so at 100 readings a second a minute window holds ~60
 * runs instead of 6,000 keys. The state is serialised at every commit: a list of every key made
 * each commit cost as much as the window's whole history (decision 0922). Lookups are a binary
 * search; a key that is not the successor of its neighbour costs what a plain sorted list does.
 */

export type SortKeyRun = readonly [first: string, count: number]
export type SortKeySet = ReadonlyArray<string | SortKeyRun>

/** Where the trailing decimal digits of `key` start (key.length when there are none). */
const digitsStart = (key: string): number => {
  let i = key.length
  while (i > 0) {
    const c = key.charCodeAt(i - 1)
    if (c < 48 || c > 57) break
    i--
  }
  return i
}

/** `key` with its trailing digits raised by `n` at the same width; undefined on overflow or none. */
const advance = (key: string, n: number): string | undefined => {
  const at = digitsStart(key)
  const width = key.length - at
  if (width === 0) return undefined
  const digits = key.slice(at)
  const next = width <= 15 ? String(Number(digits) + n) : (BigInt(digits) + BigInt(n)).toString()
  return next.length > width ? undefined : key.slice(0, at) + next.padStart(width, "0")
}

const firstOf = (element: string | SortKeyRun): string => (typeof element === "string" ? element : element[0])
const countOf = (element: string | SortKeyRun): number => (typeof element === "string" ? 1 : element[1])
const lastOf = (element: string | SortKeyRun): string =>
  typeof element === "string" ? element : (advance(element[0], element[1] - 1) as string)

/** The index of the last element whose first key is ≤ key; -1 when there is none. */
const floorIndex = (set: SortKeySet, key: string): number => {
  let lo = 0
  let hi = set.length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (firstOf(set[mid] as string | SortKeyRun) <= key) {
      found = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  return found
}

/** How far `key` is past a run's first key (its offset in the run), or -1 when it is not of the run's form. */
const offsetIn = (first: string, count: number, key: string): number => {
  const at = digitsStart(first)
  if (key.length !== first.length || digitsStart(key) !== at || !key.startsWith(first.slice(0, at))) return -1
  const width = first.length - at
  const offset =
    width <= 15
      ? Number(key.slice(at)) - Number(first.slice(at))
      : Number(BigInt(key.slice(at)) - BigInt(first.slice(at)))
  return offset >= 0 && offset < count ? offset : -1
}

export const hasSortKey = (set: SortKeySet, key: string): boolean => {
  const i = floorIndex(set, key)
  if (i < 0) return false
  const element = set[i] as string | SortKeyRun
  return typeof element === "string" ? element === key : offsetIn(element[0], element[1], key) >= 0
}

const element = (first: string, count: number): string | SortKeyRun => (count === 1 ? first : [first, count])

/** The set with `key` added (a new array; the input is not changed). */
export const addSortKey = (set: SortKeySet, key: string): SortKeySet => {
  if (hasSortKey(set, key)) return set
  const out = [...set]
  let i = floorIndex(out, key)
  // A key inside a run's span but not of it (say `…12#41x` between `…#41` and `…#42`): the run
  // splits around it, so that no element spans another.
  if (i >= 0) {
    const run = out[i] as string | SortKeyRun
    if (typeof run !== "string" && key < lastOf(run)) {
      let before = 1
      while (before < run[1] && (advance(run[0], before) as string) < key) before++
      const after = advance(run[0], before) as string
      out.splice(i, 1, element(run[0], before), element(after, run[1] - before))
    }
  }
  i = floorIndex(out, key)
  const previous = i >= 0 ? (out[i] as string | SortKeyRun) : undefined
  const next = out[i + 1]
  const joinsPrevious = previous !== undefined && advance(lastOf(previous), 1) === key
  const joinsNext = next !== undefined && advance(key, 1) === firstOf(next)
  if (joinsPrevious && joinsNext) {
    const p = previous as string | SortKeyRun
    out.splice(i, 2, element(firstOf(p), countOf(p) + 1 + countOf(next as string | SortKeyRun)))
  } else if (joinsPrevious) {
    const p = previous as string | SortKeyRun
    out[i] = element(firstOf(p), countOf(p) + 1)
  } else if (joinsNext) {
    out[i + 1] = element(key, countOf(next as string | SortKeyRun) + 1)
  } else out.splice(i + 1, 0, key)
  return out
}

/** Every key of the set, in order (for tests and for converting states). */
export const sortKeysOf = (set: SortKeySet): string[] => {
  const keys: string[] = []
  for (const e of set) {
    if (typeof e === "string") keys.push(e)
    else for (let n = 0; n < e[1]; n++) keys.push(advance(e[0], n) as string)
  }
  return keys
}

/** The set of these keys, in any order. */
export const sortKeySetOf = (keys: Iterable<string>): SortKeySet => {
  let set: SortKeySet = []
  for (const key of keys) set = addSortKey(set, key)
  return set
}
