/**
 * A size/interval buffer with Firehose's buffering-hint semantics, as a pure state machine.
 *
 * Firehose delivers a buffer when it reaches the size hint or when the interval hint has
 * passed since its first record — whichever comes first. Here the caller drives time: `offer`
 * adds a record at `now`, `tick` reports what is due at `now`, `deadline` says when the next
 * interval flush is due (so a runtime can sleep exactly until then), and `drain` empties the
 * buffer on shutdown. Nothing is ever dropped: every record offered leaves in exactly one flush.
 *
 * States are used linearly: `offer` appends to the state's record array rather than copying it
 * (copying would make filling a 5 MiB buffer quadratic), so once a state has been passed to
 * `offer`, use only the state it returned.
 *
 * Limits (Firehose): size 1–128 MiB, interval 0–900 s; defaults 5 MiB / 300 s.
 * Source: Amazon Data Firehose developer guide, "Configure buffering hints".
 */

export interface BufferHints {
  readonly sizeBytes: number
  readonly intervalMs: number
}

export const FIREHOSE_DEFAULT_HINTS: BufferHints = { sizeBytes: 5 * 1024 * 1024, intervalMs: 300_000 }
export const FIREHOSE_HINT_LIMITS = {
  minSizeBytes: 1024 * 1024,
  maxSizeBytes: 128 * 1024 * 1024,
  minIntervalMs: 0,
  maxIntervalMs: 900_000,
} as const

export interface BufferState<T> {
  readonly records: ReadonlyArray<T>
  readonly bytes: number
  /** When the first record of the current buffer arrived; undefined when empty. */
  readonly openedAt: number | undefined
}

export type FlushReason = "size" | "interval" | "drain"

export interface Flush<T> {
  readonly records: ReadonlyArray<T>
  readonly bytes: number
  readonly reason: FlushReason
  readonly openedAt: number
}

export interface Step<T> {
  readonly state: BufferState<T>
  /** The flush this step produced, if any. */
  readonly flush: Flush<T> | undefined
}

export const emptyBuffer = <T>(): BufferState<T> => ({ records: [], bytes: 0, openedAt: undefined })

const flushOf = <T>(state: BufferState<T>, reason: FlushReason): Step<T> =>
  state.openedAt === undefined
    ? { state, flush: undefined }
    : {
        state: emptyBuffer(),
        flush: { records: state.records, bytes: state.bytes, reason, openedAt: state.openedAt },
      }

/** When the buffer's interval flush is due; undefined when empty. */
export const deadline = <T>(state: BufferState<T>, hints: BufferHints): number | undefined =>
  state.openedAt === undefined ? undefined : state.openedAt + hints.intervalMs

/** What is due at `now`: the whole buffer if its interval has passed. */
export const tick = <T>(state: BufferState<T>, hints: BufferHints, now: number): Step<T> => {
  const due = deadline(state, hints)
  return due !== undefined && now >= due ? flushOf(state, "interval") : { state, flush: undefined }
}

/**
 * Adds a record of `bytes` at `now`. If the buffer's interval had already passed, that older
 * buffer is flushed first and the record opens a new one — so callers that only `offer` still
 * see interval semantics; if the record brings the buffer to the size hint, it flushes at once.
 * Returns up to two flushes, oldest first.
 */
export const offer = <T>(
  state: BufferState<T>,
  hints: BufferHints,
  record: T,
  bytes: number,
  now: number,
): { readonly state: BufferState<T>; readonly flushes: ReadonlyArray<Flush<T>> } => {
  const flushes: Flush<T>[] = []
  const due = tick(state, hints, now)
  if (due.flush) flushes.push(due.flush)
  const current = due.state
  const records = current.records as T[]
  records.push(record)
  const next: BufferState<T> = {
    records,
    bytes: current.bytes + bytes,
    openedAt: current.openedAt ?? now,
  }
  if (next.bytes >= hints.sizeBytes || hints.intervalMs === 0) {
    const full = flushOf(next, "size")
    if (full.flush) flushes.push(full.flush)
    return { state: full.state, flushes }
  }
  return { state: next, flushes }
}

/** Empties the buffer regardless of hints (shutdown, explicit flush). */
export const drain = <T>(state: BufferState<T>): Step<T> => flushOf(state, "drain")
