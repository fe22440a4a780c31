/**
 * Options of the local stack (`sluice up`), with their defaults. Safe by default: everything
 * binds 127.0.0.1; binding elsewhere requires a dashboard token and broker credentials, checked
 * in `stackOptionProblems` before anything starts.
 */
import type { BufferHints, KinesisBatchResponse, KinesisStreamEvent } from "@sluice/core"
import { fleetOptionProblems } from "@sluice/device"

export interface StackOptions {
  /** Default `.sluice` in the working directory. */
  readonly dataDir: string
  /** Address to bind the broker and the dashboard to. Default 127.0.0.1. */
  readonly host: string
  /** MQTT port; 0 picks a free one. Default 1883. */
  readonly mqttPort: number
  /** Dashboard port; 0 picks a free one. Default 8080. */
  readonly httpPort: number
  /** Simulated devices started in-process. Default 0 (`npm start` asks for 5). */
  readonly devices: number
  /** A rules file in the TopicRulePayload shape; default the hands-on rules. */
  readonly rulesFile?: string
  /** Seed of the simulated devices' readings. */
  readonly seed?: string | number
  /** Simulated devices add a SEQ field (two readings in one second stay distinct). */
  readonly sequence?: boolean
  /** Simulated devices' default wait_time, seconds. */
  readonly interval?: number
  readonly namePrefix?: string
  /** Dashboard token (required with a non-loopback host). */
  readonly token?: string
  /** Broker credentials (required with a non-loopback host). */
  readonly credentials?: { readonly username: string; readonly password: string }
  /** `device`: the hands-on IoT policy (a client publishes only to data/<its id> and its shadow). */
  readonly policy?: "open" | "device"
  /** Lake buffering hints. Default 5 MiB / 60 s, as the hands-on's Firehose. */
  readonly lakeBufferHints?: BufferHints
  /**
   * Readings the dashboard's in-memory search index keeps, newest first. Default 200,000 (about
   * 50 MB once full); its memory grows until then, so a smaller bound levels off sooner.
   */
  readonly searchDocuments?: number
  /**
   * Page cache of each SQLite database (table, projections, dead letters), MiB. Default 4: the
   * cache fills as the files grow, so this bounds how far memory climbs (decision 0013).
   */
  readonly sqliteCacheMiB?: number
  /** How often idle stream consumers poll, ms. Default 50. */
  readonly pollIntervalMs?: number
  /**
   * Called after each consumer invocation that returned, with its event and response: the
   * records before the first `batchItemFailures` entry are in the table by then. For
   * benchmarks and tests that time the pipeline (bench/stack.ts); keep it cheap.
   */
  readonly onConsumed?: (event: KinesisStreamEvent, response: KinesisBatchResponse) => void
  /** Progress and problems, one line each. */
  readonly log?: (line: string) => void
}

export const DEFAULT_STACK_OPTIONS = {
  dataDir: ".sluice",
  host: "127.0.0.1",
  mqttPort: 1883,
  httpPort: 8080,
  devices: 0,
  searchDocuments: 200_000,
  sqliteCacheMiB: 4,
} as const

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"])

/** Loopback addresses only: `127.x.y.z` as an address, never a hostname that merely starts with 127. */
export const isLoopback = (host: string) =>
  LOOPBACK.has(host) || /^127\.(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){2}$/.test(host)

/** What is wrong with the options, in words; empty when they can run. */
export const stackOptionProblems = (options: StackOptions): string[] => {
  const problems: string[] = []
  for (const [name, port] of [
    ["mqtt-port", options.mqttPort],
    ["http-port", options.httpPort],
  ] as const) {
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      problems.push(`--${name} must be a port number (0–65535), got ${port}`)
  }
  if (!Number.isInteger(options.devices) || options.devices < 0 || options.devices > 100_000) {
    problems.push(`--devices must be an integer from 0 to 100000, got ${options.devices}`)
  }
  if (options.devices > 0) {
    // Checked before anything opens: a bad prefix would otherwise fail after the data dir is in use.
    const names = fleetOptionProblems({
      devices: options.devices,
      namePrefix: options.namePrefix ?? "device-",
    })
    problems.push(...names.map((problem) => `simulated devices: ${problem}`))
  }
  const documents = options.searchDocuments
  if (documents !== undefined && (!Number.isInteger(documents) || documents < 1 || documents > 10_000_000))
    problems.push(`--search-documents must be an integer from 1 to 10000000, got ${documents}`)
  const cache = options.sqliteCacheMiB
  if (cache !== undefined && (!Number.isFinite(cache) || cache < 0.0625 || cache > 4_096))
    problems.push(`--sqlite-cache must be a number of MiB from 0.0625 to 4096, got ${cache}`)
  if (!isLoopback(options.host)) {
    if (!options.token)
      problems.push(`--host ${options.host} exposes the dashboard: give --token (or SLUICE_TOKEN)`)
    if (!options.credentials) {
      problems.push(`--host ${options.host} exposes the broker: give --mqtt-username and --mqtt-password`)
    }
  }
  if (options.token !== undefined && options.token.length < 12)
    problems.push("--token must be at least 12 characters")
  return problems
}
