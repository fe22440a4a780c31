/**
 * A small command framework over `node:util` parseArgs.
 *
 * Every command declares its options with a description, so `--help` is generated from the
 * same table that parses the arguments and cannot drift from it. Bad input is a
 * `UsageError`: the runner prints it with a pointer to `--help` and exits 2 (the convention
 * of POSIX utilities for usage errors), leaving exit 1 for failures of the work itself.
 */
import { parseArgs } from "node:util"

export interface OptionSpec {
  readonly type: "string" | "boolean"
  readonly description: string
  /** Placeholder shown in help, e.g. `FILE`. */
  readonly valueName?: string
  readonly short?: string
  readonly multiple?: boolean
  readonly default?: string | boolean
  readonly required?: boolean
}

export interface CommandIO {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly env: NodeJS.ProcessEnv
  readonly cwd: string
}

export type OptionValues = Record<string, string | boolean | Array<string | boolean> | undefined>

export interface CommandContext {
  readonly values: OptionValues
  readonly positionals: ReadonlyArray<string>
  readonly io: CommandIO
}

export interface Command {
  /** The words that select the command, e.g. `["rule", "test"]`. */
  readonly path: ReadonlyArray<string>
  readonly summary: string
  /** Positional arguments as shown in usage, e.g. `SQL`. */
  readonly positionals?: { readonly usage: string; readonly min: number; readonly max: number }
  readonly description?: string
  readonly options: Readonly<Record<string, OptionSpec>>
  readonly examples?: ReadonlyArray<string>
  /** Resolves to the process exit code. */
  readonly run: (ctx: CommandContext) => Promise<number>
}

export class UsageError extends Error {
  override readonly name = "UsageError"
}

/** Parses `argv` (the words after the command path) against the command's options. */
export const parseCommandArgs = (
  command: Command,
  argv: ReadonlyArray<string>,
): { values: OptionValues; positionals: string[] } => {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {}
  for (const [name, spec] of Object.entries(command.options)) {
    options[name] = {
      type: spec.type,
      ...(spec.short === undefined ? {} : { short: spec.short }),
      ...(spec.multiple === undefined ? {} : { multiple: spec.multiple }),
    }
  }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
  const values: OptionValues = { ...parsed.values }
  for (const [name, spec] of Object.entries(command.options)) {
    if (values[name] === undefined && spec.default !== undefined) values[name] = spec.default
    if (spec.required && values[name] === undefined) throw new UsageError(`missing required option --${name}`)
  }
  const { min, max } = command.positionals ?? { min: 0, max: 0 }
  if (parsed.positionals.length < min) {
    throw new UsageError(`expected ${command.positionals?.usage ?? "no arguments"}`)
  }
  if (parsed.positionals.length > max) {
    throw new UsageError(`unexpected argument '${parsed.positionals[max]}'`)
  }
  return { values, positionals: parsed.positionals }
}

/** Help text for one command, generated from its option table. */
export const commandHelp = (command: Command): string => {
  const name = `sluice ${command.path.join(" ")}`
  const positionals = command.positionals ? ` ${command.positionals.usage}` : ""
  const lines = [`${name} — ${command.summary}`, "", `Usage: ${name}${positionals} [options]`]
  if (command.description) lines.push("", command.description)
  const rows = Object.entries(command.options).map(([option, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : "    "}--${option}${spec.type === "string" ? ` ${spec.valueName ?? "VALUE"}` : ""}`
    const notes = [
      spec.required ? "required" : undefined,
      spec.default !== undefined ? `default: ${spec.default}` : undefined,
    ]
      .filter((note) => note !== undefined)
      .join(", ")
    return [flag, notes ? `${spec.description} (${notes})` : spec.description] as const
  })
  rows.push(["-h, --help", "show this help"])
  const width = Math.max(...rows.map(([flag]) => flag.length))
  lines.push("", "Options:", ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`))
  if (command.examples?.length)
    lines.push("", "Examples:", ...command.examples.map((example) => `  ${example}`))
  return `${lines.join("\n")}\n`
}
