/**
 * The command table of `npm run sync` (local/cli.ts) and what is done with
 * it without a stack: finding the command a command line names, parsing
 * its options with `node:util` parseArgs, checking its arguments, and
 * writing its help. Pure, so every command's help and every wrong command
 * line is tested without a process.
 */
import { parseArgs } from 'node:util';

/** An option of one command (`--limit N`). */
export interface OptionSpec {
  readonly name: string;
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** What the value stands for in the usage line: `N`, `TOKEN`. */
  readonly value?: string;
  readonly description: string;
}

/** A positional argument (`<type>`); an optional one is shown as `[type]`. */
export interface ArgSpec {
  readonly name: string;
  readonly description: string;
  readonly optional?: boolean;
}

/** Where a command writes: process.stdout in the CLI, a recorder in tests. */
export interface CliOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** What a command runs with. */
export interface CommandContext {
  /** The positional arguments by name (a missing optional one is absent). */
  readonly args: Readonly<Record<string, string | undefined>>;
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  /** `--json`: raw JSON instead of tables. */
  readonly json: boolean;
  readonly out: CliOutput;
  /** How the user invokes the CLI up to this command's parent group, for hints: `npm run sync -- bulk`. */
  readonly prog: string;
}

/** One command: a group of subcommands, or a leaf that runs. */
export interface CommandSpec {
  readonly name: string;
  /** One line for the list in its group's help. */
  readonly summary: string;
  readonly description?: string;
  readonly args?: readonly ArgSpec[];
  readonly options?: readonly OptionSpec[];
  /** Command lines after the command itself: `['contact --limit 20']`. */
  readonly examples: readonly string[];
  /** The environment variables it reads. */
  readonly env: readonly string[];
  readonly commands?: readonly CommandSpec[];
  /** Answers the exit code (0 when nothing is answered). */
  readonly run?: (context: CommandContext) => Promise<number | undefined>;
}

/** What a command line asks for; an error's `usage` ends with where to read more. */
export type Parsed =
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'error'; readonly message: string; readonly usage: string }
  | {
      readonly kind: 'run';
      readonly command: CommandSpec;
      readonly context: Omit<CommandContext, 'out'>;
    };

/** What every environment variable a command reads is for. */
const ENV_DOCS: Readonly<Record<string, string>> = {
  SYNC_TOOLS_URL: "the stack's base URL (default http://127.0.0.1:$PORT)",
  PORT: "the offline stack's port when SYNC_TOOLS_URL is not set (default 3000)",
  ADMIN_TOKEN: 'the admin API token (the first when it lists two); the environment, else .env',
  CRM_WEBHOOK_SECRET: 'signs `send crm` (the first secret when it lists two)',
  INVENTORY_WEBHOOK_SECRET: 'signs `send inventory`',
  HR_WEBHOOK_SECRET: 'signs `send hr`',
  ERP_WEBHOOK_KEY: 'the x-api-key of `send erp` (the first key)',
  BULK_FOLLOW_INTERVAL_MS: 'how often `bulk status --follow` asks (default 1000)',
};

/** Options every command takes. */
const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { name: 'json', type: 'boolean', description: 'print the raw JSON answer instead of a table' },
  { name: 'help', type: 'boolean', short: 'h', description: 'show this help' },
];

const optionUsage = (option: OptionSpec): string =>
  `--${option.name}${option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : ''}`;

const argUsage = (arg: ArgSpec): string => (arg.optional ? `[${arg.name}]` : `<${arg.name}>`);

/** A command's synopsis: its words, arguments and own options. */
const synopsis = (command: CommandSpec, path: readonly string[], prog: string): string => {
  const head = [prog, ...path].join(' ');
  if (command.commands) return `${head} <command> [options]`;
  const args = (command.args ?? []).map(argUsage);
  const options = (command.options ?? []).map((o) => `[${optionUsage(o)}${o.multiple ? '...' : ''}]`);
  return [head, ...args, ...options].join(' ');
};

/** The usage line of a command at `path` (names below the root), as invoked through `prog`. */
const usageOf = (command: CommandSpec, path: readonly string[], prog: string): string =>
  `usage: ${synopsis(command, path, prog)}`;

const columns = (rows: readonly (readonly [string, string])[]): string[] => {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
};

/**
 * The help of a command: usage, what it does, its subcommands or its
 * arguments and options, an example and the environment it reads.
 *
 * @example
 * helpText(records, ['records'], 'npm run sync --');
 */
const helpText = (command: CommandSpec, path: readonly string[], prog: string): string => {
  const lines = [usageOf(command, path, prog), '', command.description ?? command.summary];
  if (command.commands) {
    lines.push('', 'commands:');
    for (const child of command.commands)
      lines.push(`  ${synopsis(child, [...path, child.name], prog)}`, `      ${child.summary}`);
  }
  if (command.args && command.args.length > 0) {
    lines.push('', 'arguments:', ...columns(command.args.map((a) => [argUsage(a), a.description])));
  }
  const options = [...(command.commands ? [] : (command.options ?? [])), ...GLOBAL_OPTIONS];
  lines.push(
    '',
    'options:',
    ...columns(options.map((o) => [`${o.short ? `-${o.short}, ` : ''}${optionUsage(o)}`, o.description])),
  );
  const head = [prog, ...path].join(' ');
  lines.push('', command.examples.length > 1 ? 'examples:' : 'example:');
  lines.push(...command.examples.map((example) => `  ${head}${example ? ` ${example}` : ''}`));
  if (command.commands) lines.push('', `more: ${head} <command> --help`);
  if (command.env.length > 0) {
    lines.push('', 'environment (or .env):', ...columns(command.env.map((name) => [name, ENV_DOCS[name] ?? ''])));
  }
  return `${lines.join('\n')}\n`;
};

/** A command line's command words: the path below `root` and what is left. */
const walk = (root: CommandSpec, argv: readonly string[]) => {
  let command = root;
  const path: string[] = [];
  const rest: string[] = [];
  let index = 0;
  for (; index < argv.length; index++) {
    const token = argv[index] as string;
    if (token === '--') break;
    if (token.startsWith('-')) {
      // Only the global flags may come before the command; the rest belong to the command's own parse.
      rest.push(token);
      continue;
    }
    const child = command.commands?.find((c) => c.name === token);
    if (!child) break;
    command = child;
    path.push(token);
  }
  rest.push(...argv.slice(index));
  return { command, path, rest };
};

/** The parse of parseArgs' own message into one short line. */
const optionError = (error: unknown, where: string): string => {
  const message = (error as Error).message;
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]} for ${where}`;
  const missing = /Option '([^']+?)(?: <value>)?' argument missing/.exec(message);
  if (missing) return `${(missing[1] ?? '').replace(/^-\w, /, '')} needs a value`;
  const notBoolean = /Option '([^']+)' does not take an argument/.exec(message);
  if (notBoolean) return `${notBoolean[1]} takes no value`;
  return message.split('\n')[0] ?? message;
};

/**
 * What `argv` asks of the command table under `root`, invoked as `prog`:
 * a help text, a command to run with its parsed arguments, or one line
 * saying what is wrong with the usage to print under it (exit 2).
 * `help <command...>` is the help of that command.
 *
 * @example
 * parseCommandLine(root, ['records', 'list', 'contact', '--limit', '5'], 'npm run sync --');
 * // { kind: 'run', command: <records list>, context: { args: { type: 'contact' }, values: { limit: '5' }, ... } }
 */
const parseCommandLine = (root: CommandSpec, argv: readonly string[], prog: string): Parsed => {
  if (argv[0] === 'help') {
    const { command, path, rest } = walk(root, argv.slice(1));
    const stray = rest.find((token) => !token.startsWith('-'));
    if (stray !== undefined) {
      return {
        kind: 'error',
        message: `no command ${[...path, stray].join(' ')}`,
        usage: `${usageOf(command, path, prog)}\n(more: ${[prog, ...path].join(' ')} --help)`,
      };
    }
    return { kind: 'help', text: helpText(command, path, prog) };
  }
  const { command, path, rest } = walk(root, argv);
  const where = [prog, ...path].join(' ');
  const usage = `${usageOf(command, path, prog)}\n(more: ${where} --help)`;
  const options = command.commands ? GLOBAL_OPTIONS : [...(command.options ?? []), ...GLOBAL_OPTIONS];
  let parsed: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        options.map((o) => [
          o.name,
          { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
        ]),
      ),
    }) as typeof parsed;
  } catch (error) {
    // Help asked for with a mistake in the line: the help is what was wanted.
    if (rest.includes('--help') || rest.includes('-h')) return { kind: 'help', text: helpText(command, path, prog) };
    return { kind: 'error', message: optionError(error, where), usage };
  }
  if (parsed.values.help) return { kind: 'help', text: helpText(command, path, prog) };
  if (command.commands) {
    const [stray] = parsed.positionals;
    if (stray !== undefined) return { kind: 'error', message: `unknown command ${stray} for ${where}`, usage };
    return { kind: 'error', message: `${where} needs a command`, usage };
  }
  const specs = command.args ?? [];
  const missing = specs.filter((a, i) => !a.optional && parsed.positionals[i] === undefined);
  if (missing.length > 0) {
    return { kind: 'error', message: `${where} needs ${missing.map(argUsage).join(' ')}`, usage };
  }
  const extra = parsed.positionals[specs.length];
  if (extra !== undefined) return { kind: 'error', message: `unexpected argument ${extra} for ${where}`, usage };
  const args = Object.fromEntries(specs.map((a, i) => [a.name, parsed.positionals[i]]));
  const { json, help: _help, ...values } = parsed.values;
  return {
    kind: 'run',
    command,
    context: { args, values, json: json === true, prog: [prog, ...path.slice(0, -1)].join(' ') },
  };
};

export { GLOBAL_OPTIONS, ENV_DOCS, helpText, parseCommandLine, usageOf };
