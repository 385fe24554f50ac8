/**
 * Runs a command line against the command table: prints the help, or the
 * one line saying what is wrong with the usage (exit 2), or runs the
 * command, turning every failure it can explain into one line (exit 1).
 * Never a stack trace for something the user can act on.
 */
import { CliError } from './admin-client.js';
import { cliCommands } from './cli-commands.js';
import { type CliOutput, type CommandSpec, parseCommandLine } from './cli-spec.js';

/** Where `runCli` writes, and under which command it starts. */
export interface CliOptions {
  readonly out?: CliOutput;
  readonly err?: CliOutput;
  /** How the user invoked it: `npm run sync --`, or an alias's `npm run bulk --`. */
  readonly prog?: string;
  /** The names of the group an alias starts in: `['bulk']`. */
  readonly under?: readonly string[];
}

const subtree = (root: CommandSpec, names: readonly string[]): CommandSpec =>
  names.reduce((node, name) => {
    const child = node.commands?.find((c) => c.name === name);
    if (!child) throw new Error(`no command ${name} in the table`);
    return child;
  }, root);

/**
 * Answers the exit code: 0 done, 1 failed (one line on stderr), 2 a wrong
 * command line (one line and the usage on stderr).
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2));
 * process.exitCode = await runCli(process.argv.slice(2), { prog: 'npm run bulk --', under: ['bulk'] });
 */
const runCli = async (argv: readonly string[], options: CliOptions = {}): Promise<number> => {
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  const prog = options.prog ?? 'npm run sync --';
  const parsed = parseCommandLine(subtree(cliCommands, options.under ?? []), argv, prog);
  if (parsed.kind === 'help') {
    out.write(parsed.text);
    return 0;
  }
  if (parsed.kind === 'error') {
    err.write(`${parsed.message}\n${parsed.usage}\n`);
    return 2;
  }
  try {
    return (await parsed.command.run?.({ ...parsed.context, out })) ?? 0;
  } catch (error) {
    if (!(error instanceof CliError)) {
      // A bug, not a situation: one line still, and where to look.
      err.write(
        `unexpected error: ${error instanceof Error ? error.message : String(error)} (a bug: please report it)\n`,
      );
      return 1;
    }
    err.write(`${error.message}\n`);
    return 1;
  }
};

export { runCli };
