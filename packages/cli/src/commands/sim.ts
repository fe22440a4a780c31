/**
 * `sluice sim`: the hands-on device, or a fleet of them, against any MQTT broker or AWS IoT
 * Core.
 *
 * Starts the fleet (`startFleet` from @sluice/device), shows progress while it runs, and stops
 * after `--duration` seconds or at Ctrl-C/SIGTERM: devices stop publishing, wait up to two
 * seconds for outstanding PUBACKs and disconnect, and the summary is printed. Exit 0 when
 * readings were delivered, 1 when errors kept every reading from being acknowledged (an
 * unreachable broker, say), 2 for bad options.
 */
import {
  CertificateError,
  InvalidDeviceName,
  InvalidFleetOptions,
  InvalidModel,
  startFleet,
} from "@sluice/device"
import { type Command, UsageError } from "../command.ts"
import { simOptions, simSettings } from "./simOptions.ts"
import {
  eventKey,
  eventNote,
  type ProgressState,
  progressLine,
  summaryJson,
  summaryText,
} from "./simProgress.ts"

const PROGRESS_EVERY_MS = 1_000
const STOP_DRAIN_MS = 2_000
/** Distinct error messages printed as they appear; more are only counted. */
const MAX_ERROR_NOTES = 20

export const simCommand: Command = {
  path: ["sim"],
  summary: "simulate hands-on devices (one or thousands) publishing readings over MQTT",
  description: [
    "Each device behaves like the hands-on's: client id = device name, persistent session, keep-alive 300 s,",
    "QoS 1; it publishes {DEVICE_NAME, TIMESTAMP, TEMPERATURE, HUMIDITY} to data/<name> every wait_time",
    "seconds and follows the classic device shadow: wait_time from $aws/things/<name>/shadow/get, changed by",
    "…/update/delta (null resets it), reported back on …/update. While disconnected, readings wait in a",
    "bounded queue and are sent after reconnecting; connection failures are retried with backoff.",
  ].join("\n"),
  options: simOptions,
  examples: [
    "sluice sim --broker mqtt://localhost:1883 --devices 100 --interval 1",
    "sluice sim --devices 5 --model walk+spikes --seq --seed 42 --duration 60",
    "sluice sim --endpoint abc123-ats.iot.eu-west-1.amazonaws.com --device-name handson-device --certs-dir certs",
    "sluice sim --broker mqtts://broker.local:8883 --root-ca ca.pem --cert dev.pem --private dev.key",
  ],
  run: async ({ values, io }) => {
    const settings = simSettings(values, io.cwd)
    const notes = new Set<string>()
    let suppressed = 0
    let fleet: ReturnType<typeof startFleet>
    const liveProgress =
      settings.progress === "always" || (settings.progress === "auto" && process.stderr.isTTY === true)
    const inPlace = liveProgress && process.stderr.isTTY === true
    let progressShown = false
    const clearProgress = () => {
      if (inPlace && progressShown) io.stderr("\r\x1b[2K")
    }
    try {
      fleet = startFleet({
        ...settings.fleet,
        onEvent: (event) => {
          const key = eventKey(event)
          const note = eventNote(event)
          if (key === undefined || note === undefined || notes.has(key)) return
          if (notes.size >= MAX_ERROR_NOTES) {
            suppressed++
            return
          }
          notes.add(key)
          clearProgress()
          io.stderr(`sluice sim: ${event.device}: ${note}\n`)
        },
      })
    } catch (error) {
      if (
        error instanceof InvalidFleetOptions ||
        error instanceof InvalidModel ||
        error instanceof InvalidDeviceName ||
        error instanceof CertificateError
      ) {
        throw new UsageError(error.message)
      }
      throw error
    }
    const interval = settings.fleet.interval ?? 5
    io.stderr(
      `sluice sim: ${fleet.names.length} device${fleet.names.length === 1 ? "" : "s"} (${fleet.names[0]}${fleet.names.length > 1 ? ` … ${fleet.names.at(-1)}` : ""}) → ${fleet.target}, every ${interval} s, seed ${settings.seed}\n`,
    )

    let previous: ProgressState = { at: Date.now(), stats: undefined }
    const ticker = liveProgress
      ? setInterval(() => {
          const now = Date.now()
          const stats = fleet.stats()
          const line = progressLine(stats, previous, now)
          previous = { at: now, stats }
          io.stderr(inPlace ? `\r\x1b[2K${line}` : `${line}\n`)
          progressShown = true
        }, PROGRESS_EVERY_MS)
      : undefined

    await new Promise<void>((resolve) => {
      const timer =
        settings.durationSeconds === undefined
          ? undefined
          : setTimeout(finish, settings.durationSeconds * 1000)
      function finish() {
        clearTimeout(timer)
        process.off("SIGINT", finish)
        process.off("SIGTERM", finish)
        resolve()
      }
      process.once("SIGINT", finish)
      process.once("SIGTERM", finish)
    })

    if (ticker) clearInterval(ticker)
    clearProgress()
    const final = await fleet.stop(STOP_DRAIN_MS)
    if (suppressed > 0)
      io.stderr(`sluice sim: ${suppressed} more errors of other kinds not shown (see the summary)\n`)
    io.stdout(
      settings.json
        ? summaryJson(final, settings.seed, fleet.target)
        : summaryText(final, settings.seed, fleet.target),
    )
    return final.acked === 0 && final.errors > 0 ? 1 : 0
  },
}
