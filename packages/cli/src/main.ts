/**
 * Entry of the `sluice` command: finds the command named by the leading words of argv, parses
 * its options and runs it. `--help` works at every level: `sluice --help` lists all commands,
 * `sluice rule --help` the commands of a group, `sluice rule test --help` one command.
 */
import { type Command, type CommandIO, commandHelp, parseCommandArgs, UsageError } from "./command.ts"
import { commands } from "./commands/index.ts"

const processIO: CommandIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
}

const isHelp = (word: string | undefined) => word === "--help" || word === "-h" || word === "help"

/** The command whose path is the longest prefix of argv, and how many words it took. */
const findCommand = (argv: ReadonlyArray<string>): { command: Command; depth: number } | undefined => {
  let best: { command: Command; depth: number } | undefined
  for (const command of commands) {
    const depth = command.path.length
    if (depth > argv.length) continue
    if (command.path.every((word, i) => argv[i] === word) && (!best || depth > best.depth)) {
      best = { command, depth }
    }
  }
  return best
}

/** Help listing every command under a path prefix (the empty prefix lists all). */
const listHelp = (prefix: ReadonlyArray<string>): string => {
  const matching = commands.filter((command) => prefix.every((word, i) => command.path[i] === word))
  const rows = matching.map((command) => [command.path.join(" "), command.summary] as const)
  const width = Math.max(...rows.map(([path]) => path.length))
  const title =
    prefix.length === 0 ? "sluice — IoT telemetry pipelines, local and on AWS" : `sluice ${prefix.join(" ")}`
  return [
    title,
    "",
    `Usage: sluice ${prefix.length ? `${prefix.join(" ")} ` : ""}<command> [options]`,
    "",
    "Commands:",
    ...rows.map(([path, summary]) => `  ${path.padEnd(width)}  ${summary}`),
    "",
    "Run `sluice <command> --help` for the options of a command.",
    "",
  ].join("\n")
}

export const main = async (argv: ReadonlyArray<string>, io: CommandIO = processIO): Promise<number> => {
  const found = findCommand(argv)
  if (!found) {
    const prefix = argv.filter((word) => !word.startsWith("-"))
    const group =
      prefix.length > 0 && commands.some((command) => command.path[0] === prefix[0]) ? prefix.slice(0, 1) : []
    if (
      argv.length === 0 ||
      isHelp(argv[0]) ||
      (group.length > 0 && (argv.length === 1 || isHelp(argv[1])))
    ) {
      io.stdout(listHelp(group))
      return 0
    }
    if (argv[0] === "--version") {
      io.stdout("sluice 0.1.0\n")
      return 0
    }
    io.stderr(`sluice: unknown command '${argv.join(" ")}'\n\n${listHelp(group)}`)
    return 2
  }
  const { command, depth } = found
  const rest = argv.slice(depth)
  if (rest.some(isHelpFlag)) {
    io.stdout(commandHelp(command))
    return 0
  }
  try {
    const { values, positionals } = parseCommandArgs(command, rest)
    return await command.run({ values, positionals, io })
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(
        `sluice ${command.path.join(" ")}: ${error.message}\nRun \`sluice ${command.path.join(" ")} --help\` for usage.\n`,
      )
      return 2
    }
    io.stderr(`sluice ${command.path.join(" ")}: ${error instanceof Error ? error.message : String(error)}\n`)
    return 1
  }
}

const isHelpFlag = (word: string) => word === "--help" || word === "-h"
