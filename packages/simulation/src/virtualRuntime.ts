/**
 * The simulation's virtual time: one clock for the whole world, and a runtime that runs an
 * Effect to completion on it — deterministically, and without waiting for real time.
 *
 * `run(effect)` forks the effect with two services replaced: Effect's `Clock`, whose `sleep`
 * registers a wake-up at `now + d` in this runtime's queue, and its `Scheduler`, whose tasks go
 * to this runtime's task list instead of `setImmediate`. The loop then runs every task until
 * none is left; if the fiber is not done, every live fiber is asleep (or waits on I/O outside
 * the runtime, see below), so time jumps to the earliest wake-up, which is resumed — ties in
 * the order they were registered. Retry backoffs, Lambda deadlines (`Effect.timeoutOption`)
 * and buffering intervals thus play out exactly as on a real clock, in microseconds, and the
 * same inputs always give the same interleaving.
 *
 * Outside I/O: the local lake gzips through libuv, a promise the runtime cannot see. When no
 * task and no sleep is left but the fiber is not done, `run` waits for the real event loop to
 * deliver it — time does not move meanwhile, so the result stays deterministic as long as only
 * one fiber waits on outside I/O and nothing sleeps at the same time (true of the lake, whose
 * calls are serialised). A run with neither tasks, sleeps nor outside progress for
 * `STUCK_AFTER_MS` of real time is a deadlock and fails loudly.
 *
 * Effect's `Random` is seeded per run (from the runtime's seed and the run's number), so retry
 * jitter replays too. Between runs nothing sleeps: the world is advanced with `advance`.
 */
import { setImmediate as nextMacrotask } from "node:timers/promises"
import { Clock, Duration, Effect, type Exit, Random, References, Scheduler } from "effect"

interface Sleep {
  readonly at: number
  readonly order: number
  readonly wake: () => void
  cancelled: boolean
}

/** A run that waited this long for outside I/O without any progress is stuck. */
const STUCK_AFTER_MS = 20_000

export interface VirtualRuntime {
  /** Virtual epoch milliseconds. */
  readonly now: () => number
  /** Moves time forward between runs (never backwards). */
  readonly advance: (ms: number) => void
  /** The clock, for adapters that take a `now()` function. */
  readonly clock: Clock.Clock
  /** Runs an effect to completion on virtual time; outside I/O is awaited without moving time. */
  readonly run: <A, E>(effect: Effect.Effect<A, E>) => Promise<Exit.Exit<A, E>>
  /** As `run`, for effects that do no outside I/O: throws if one waits on any. */
  readonly runSync: <A, E>(effect: Effect.Effect<A, E>) => Exit.Exit<A, E>
}

export const makeVirtualRuntime = (startMs: number, seed = 1): VirtualRuntime => {
  let now = startMs
  let order = 0
  let runs = 0
  const tasks: Array<() => void> = []
  let sleeps: Sleep[] = []

  const scheduler = new Scheduler.MixedScheduler("async", (task) => {
    let cancelled = false
    tasks.push(() => {
      if (!cancelled) task()
    })
    return () => {
      cancelled = true
    }
  })
  const nanos = () => BigInt(now) * 1_000_000n
  const clock: Clock.Clock = {
    currentTimeMillisUnsafe: () => now,
    currentTimeMillis: Effect.sync(() => now),
    currentTimeNanosUnsafe: nanos,
    currentTimeNanos: Effect.sync(nanos),
    monotonicTimeNanosUnsafe: nanos,
    monotonicTimeNanos: Effect.sync(nanos),
    sleep: (duration) =>
      Effect.callback<void>((resume) => {
        const entry: Sleep = {
          at: now + Math.max(0, Duration.toMillis(duration)),
          order: order++,
          wake: () => resume(Effect.void),
          cancelled: false,
        }
        sleeps.push(entry)
        // An interrupted sleep (a timeout that lost its race) must never wake anything.
        return Effect.sync(() => {
          entry.cancelled = true
        })
      }),
  }

  const drainTasks = () => {
    while (tasks.length > 0) (tasks.shift() as () => void)()
  }

  /** Wakes the earliest live sleep; false when none is left. */
  const wakeNext = (): boolean => {
    sleeps = sleeps.filter((sleep) => !sleep.cancelled)
    if (sleeps.length === 0) return false
    let next = sleeps[0] as Sleep
    for (const sleep of sleeps)
      if (sleep.at < next.at || (sleep.at === next.at && sleep.order < next.order)) next = sleep
    sleeps.splice(sleeps.indexOf(next), 1)
    now = Math.max(now, next.at)
    next.wake()
    return true
  }

  const fork = <A, E>(effect: Effect.Effect<A, E>) =>
    Effect.runFork(
      effect.pipe(
        Effect.provideService(Clock.Clock, clock),
        Effect.provideService(Scheduler.Scheduler, scheduler),
        // Adapters log their retries; a simulation injects thousands of faults on purpose.
        Effect.provideService(References.MinimumLogLevel, "None"),
        // Retry jitter draws from Effect's Random: seeded per run, so a run replays exactly.
        Random.withSeed(`${seed}/${runs++}`),
      ),
      { scheduler },
    )

  /**
   * After a run: let interrupted fibers finish cleaning up, then forget any sleep still
   * registered — an orphan must never wake, and move time, in a later run.
   */
  const settle = () => {
    drainTasks()
    for (const sleep of sleeps) sleep.cancelled = true
    sleeps = []
  }

  const runSync = <A, E>(effect: Effect.Effect<A, E>): Exit.Exit<A, E> => {
    const fiber = fork(effect)
    for (;;) {
      drainTasks()
      const exit = fiber.pollUnsafe()
      if (exit !== undefined) {
        settle()
        return exit
      }
      if (!wakeNext()) {
        settle()
        throw new Error("virtual runtime: the effect waits on I/O outside the simulation")
      }
    }
  }

  const run = async <A, E>(effect: Effect.Effect<A, E>): Promise<Exit.Exit<A, E>> => {
    const fiber = fork(effect)
    let waitingSince: number | undefined
    for (;;) {
      drainTasks()
      const exit = fiber.pollUnsafe()
      if (exit !== undefined) {
        settle()
        return exit
      }
      if (wakeNext()) {
        waitingSince = undefined
        continue
      }
      // Outside I/O (a gzip on libuv's pool): let the real event loop deliver it; time stands still.
      waitingSince ??= performance.now()
      if (performance.now() - waitingSince > STUCK_AFTER_MS)
        throw new Error("virtual runtime: no task, no sleep and no outside progress — a deadlock")
      await nextMacrotask()
      if (tasks.length > 0) waitingSince = undefined
    }
  }

  return {
    now: () => now,
    advance: (ms) => {
      if (ms > 0) now += ms
    },
    clock,
    run,
    runSync,
  }
}
