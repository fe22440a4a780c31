/**
 * The options of `sluice replay`, and turning them into a replay plan: which source, which
 * projections (the standard ones, selected by `--projection`, and the rules projection of a
 * `--rules` file), from when, how to show progress. Every bad value is a UsageError (exit 2).
 */
import { readFileSync } from "node:fs"
import { basename, resolve } from "node:path"
import { DEFAULT_DATA_DIR, DEFAULT_STREAM_NAME } from "@sluice/adapters-local"
import {
  type AnyProjection,
  fingerprintOf,
  loadRulesText,
  rulesProjection,
  type ThresholdRule,
} from "@sluice/core"
import { type OptionSpec, type OptionValues, UsageError } from "../command.ts"
import {
  DEFAULT_ALERT_RULES,
  readAlertRules,
  standardProjections,
} from "../projections/standardProjections.ts"

export const replayOptions: Readonly<Record<string, OptionSpec>> = {
  "data-dir": {
    type: "string",
    valueName: "DIR",
    description: "the stack's data directory",
    default: DEFAULT_DATA_DIR,
  },
  from: {
    type: "string",
    valueName: "SOURCE",
    description: "where the history comes from: stream (the stream log) or lake (the data lake)",
    default: "stream",
  },
  projection: {
    type: "string",
    valueName: "NAME",
    multiple: true,
    description:
      "only this projection (repeat for several): latest-state, aggregates, alerts (default: all; none with --rules)",
  },
  since: {
    type: "string",
    valueName: "TIME",
    description:
      "a projection starting from nothing starts here (ISO time, or epoch ms); from the lake, readings older than it are left out",
  },
  rules: {
    type: "string",
    valueName: "FILE",
    description:
      "route the history through the rules of this file; what they would route is kept as views (see --print)",
  },
  print: { type: "boolean", description: "with --rules: print everything the rules routed, as JSON lines" },
  rebuild: {
    type: "boolean",
    description: "rebuild the selected projections from nothing, even at their current version",
  },
  alerts: {
    type: "string",
    valueName: "FILE",
    description: "threshold rules of the alerts projection (JSON list of {name, field, min?, max?})",
  },
  stream: {
    type: "string",
    valueName: "NAME",
    description: "the stream to replay",
    default: DEFAULT_STREAM_NAME,
  },
  progress: {
    type: "string",
    valueName: "WHEN",
    description: "auto (a bar on a terminal, lines otherwise), bar, lines or none",
    default: "auto",
  },
  every: {
    type: "string",
    valueName: "N",
    description: "in lines mode, a line every N records",
    default: "10000",
  },
  json: { type: "boolean", description: "print the summary as one JSON object" },
}

export interface ReplayPlan {
  readonly dataDir: string
  readonly from: "stream" | "lake"
  readonly streamName: string
  readonly projections: ReadonlyArray<AnyProjection>
  readonly rulesProjection: string | undefined
  readonly since: number | undefined
  readonly rebuild: boolean
  readonly print: boolean
  readonly progress: "bar" | "lines" | "none"
  readonly every: number
  readonly json: boolean
}

const parseSince = (value: string): number => {
  const ms = /^\d+$/.test(value)
    ? Number(value)
    : Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`)
  if (!Number.isFinite(ms))
    throw new UsageError(`--since must be an ISO time (2026-11-26T07:00:00Z) or epoch ms, got ${value}`)
  return ms
}

const rulesFrom = (path: string, cwd: string): AnyProjection => {
  let text: string
  try {
    text = readFileSync(resolve(cwd, path), "utf8")
  } catch (error) {
    throw new UsageError(`cannot read --rules ${path}: ${(error as Error).message}`)
  }
  const loaded = loadRulesText(text)
  if (!loaded.ok)
    throw new UsageError(
      `--rules ${path} is not valid:\n${loaded.issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}`,
    )
  const name = `rules:${
    basename(path)
      .replace(/\.json$/i, "")
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, "-")
      .slice(0, 100) || "file"
  }`
  return rulesProjection({ rules: loaded.value, name, fingerprint: fingerprintOf(text) })
}

export const replayPlan = (values: OptionValues, cwd: string, isTTY: boolean): ReplayPlan => {
  const from = String(values.from)
  if (from !== "stream" && from !== "lake") throw new UsageError(`--from must be stream or lake, got ${from}`)
  let alertRules: ReadonlyArray<ThresholdRule> = DEFAULT_ALERT_RULES
  if (typeof values.alerts === "string") {
    try {
      alertRules = readAlertRules(resolve(cwd, values.alerts))
    } catch (error) {
      throw new UsageError((error as Error).message)
    }
  }
  const standard = standardProjections(alertRules)
  const wanted = ((values.projection as string[] | undefined) ?? []).map(String)
  for (const name of wanted)
    if (!standard.some((p) => p.name === name))
      throw new UsageError(`unknown projection ${name}; known: ${standard.map((p) => p.name).join(", ")}`)
  const rules = typeof values.rules === "string" ? rulesFrom(values.rules, cwd) : undefined
  const selected =
    wanted.length > 0 ? standard.filter((p) => wanted.includes(p.name)) : rules === undefined ? standard : []
  const progressOption = String(values.progress)
  if (!["auto", "bar", "lines", "none"].includes(progressOption))
    throw new UsageError(`--progress must be auto, bar, lines or none, got ${progressOption}`)
  const every = Number(values.every)
  if (!Number.isSafeInteger(every) || every < 1)
    throw new UsageError(`--every must be a positive integer, got ${values.every}`)
  if (values.print === true && rules === undefined) throw new UsageError("--print needs --rules")
  return {
    dataDir: String(values["data-dir"]),
    from,
    streamName: String(values.stream),
    projections: rules === undefined ? selected : [...selected, rules],
    rulesProjection: rules?.name,
    since: typeof values.since === "string" ? parseSince(values.since) : undefined,
    rebuild: values.rebuild === true,
    print: values.print === true,
    progress:
      progressOption === "auto" ? (isTTY ? "bar" : "lines") : (progressOption as "bar" | "lines" | "none"),
    every,
    json: values.json === true,
  }
}
