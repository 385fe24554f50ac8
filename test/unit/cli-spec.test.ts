import { describe, expect, it } from 'vitest';
import { cliCommands } from '../../local/cli-commands.js';
import { type CommandSpec, ENV_DOCS, helpText, parseCommandLine } from '../../local/cli-spec.js';

/**
 * The command table of `npm run sync` (local/cli-commands.ts) and its
 * parser: every command and subcommand has a help with usage, an example
 * and the environment it reads; a wrong command line is named in one line
 * above the usage.
 */
const PROG = 'npm run sync --';

/** Every command in the table with its path of names. */
const everyCommand = (node: CommandSpec, path: readonly string[] = []): [string[], CommandSpec][] => [
  [[...path], node],
  ...(node.commands ?? []).flatMap((child) => everyCommand(child, [...path, child.name])),
];

const run = (argv: readonly string[]) => {
  const parsed = parseCommandLine(cliCommands, argv, PROG);
  if (parsed.kind !== 'run') throw new Error(`expected a command to run, got ${JSON.stringify(parsed)}`);
  return parsed;
};

describe('the help of every command', () => {
  const commands = everyCommand(cliCommands);

  it('covers the commands the issue asks for', () => {
    // Act
    const names = commands.map(([path]) => path.join(' '));
    // Assess
    expect(names).toEqual(
      expect.arrayContaining([
        'send',
        'send crm',
        'bulk',
        'bulk start',
        'redrive',
        'records list',
        'records show',
        'records find',
        'events',
        'conflicts list',
        'conflicts show',
        'dlq list',
        'dlq redrive',
      ]),
    );
  });

  it.each(commands.map(([path, command]) => [path.join(' ') || '(root)', path, command] as const))(
    '%s has usage, arguments, options, an example and its environment, with --help, -h and help <command> alike',
    (_name, path, command) => {
      // Act
      const viaFlag = parseCommandLine(cliCommands, [...path, '--help'], PROG);
      const viaShort = parseCommandLine(cliCommands, [...path, '-h'], PROG);
      const viaHelp = parseCommandLine(cliCommands, ['help', ...path], PROG);
      // Assess
      const text = helpText(command, path, PROG);
      expect(viaFlag).toEqual({ kind: 'help', text });
      expect(viaShort).toEqual({ kind: 'help', text });
      expect(viaHelp).toEqual({ kind: 'help', text });
      expect(text).toMatch(new RegExp(`^usage: ${[PROG, ...path].join(' ').replaceAll('-', '\\-')}`));
      expect(text).toMatch(/\nexamples?:\n {2}npm run sync -- /);
      expect(command.examples.length).toBeGreaterThan(0);
      for (const arg of command.args ?? []) expect(text).toContain(arg.name);
      for (const option of command.options ?? []) expect(text).toContain(`--${option.name}`);
      expect(text).toContain('--json');
      expect(command.env.length).toBeGreaterThan(0);
      for (const name of command.env) {
        expect(ENV_DOCS[name], `${name} is explained`).toBeTruthy();
        expect(text).toContain(`${name}  `);
      }
    },
  );

  it('names the admin token on every command that calls the admin API', () => {
    // Prepare
    const adminCommands = commands.filter(([path, c]) => c.run && path[0] !== 'send');
    // Act
    const without = adminCommands.filter(([, c]) => !c.env.includes('ADMIN_TOKEN')).map(([path]) => path.join(' '));
    // Assess
    expect(adminCommands.length).toBeGreaterThan(10);
    expect(without).toEqual([]);
  });
});

describe('parseCommandLine', () => {
  it('hands a command its arguments by name, its options and --json', () => {
    // Act
    const parsed = run(['records', 'list', 'contact', '--limit', '5', '--next', 'abc', '--json']);
    // Assess
    expect(parsed.command.name).toBe('list');
    expect(parsed.context).toEqual({
      args: { type: 'contact' },
      values: { limit: '5', next: 'abc' },
      json: true,
      prog: 'npm run sync -- records',
    });
  });

  it('takes --json before the command and options between the arguments', () => {
    // Act
    const parsed = run(['--json', 'records', 'find', 'contact', '--source', 'crm', '--external-id', '003A']);
    // Assess
    expect(parsed.context.json).toBe(true);
    expect(parsed.context.args).toEqual({ type: 'contact' });
    expect(parsed.context.values).toEqual({ source: 'crm', 'external-id': '003A' });
  });

  it('leaves an optional argument out when it is not given and collects a repeated option', () => {
    // Act
    const send = run(['send', 'erp', 'updated', 'invoice', 'INV-7']);
    const redrive = run(['dlq', 'redrive', '--id', 'a', '--id', 'b']);
    // Assess
    expect(send.context.args).toEqual({ event: 'updated', entity: 'invoice', id: 'INV-7', payload: undefined });
    expect(redrive.context.values).toEqual({ id: ['a', 'b'] });
  });

  it('answers an alias its own program name in usage and hints', () => {
    // Prepare
    const bulk = cliCommands.commands?.find((c) => c.name === 'bulk') as CommandSpec;
    // Act
    const parsed = parseCommandLine(bulk, ['start', 'crm', 'local', 'contacts'], 'npm run bulk --');
    const help = parseCommandLine(bulk, ['--help'], 'npm run bulk --');
    // Assess
    expect(parsed).toMatchObject({ kind: 'run', context: { prog: 'npm run bulk --' } });
    expect(help).toMatchObject({ kind: 'help' });
    expect(help.kind === 'help' && help.text).toContain('npm run bulk -- start <source> <target> <entity> [--dry-run]');
  });

  it.each([
    [['records', 'list', 'contact', '--bogus'], 'unknown option --bogus for npm run sync -- records list'],
    [['records', 'lst'], 'unknown command lst for npm run sync -- records'],
    [['nope'], 'unknown command nope for npm run sync --'],
    [[], 'npm run sync -- needs a command'],
    [['records'], 'npm run sync -- records needs a command'],
    [['records', 'show', 'contact'], 'npm run sync -- records show needs <id>'],
    [['events', 'a', 'b'], 'unexpected argument b for npm run sync -- events'],
    [['records', 'list', 'contact', '--limit'], '--limit needs a value'],
    [['conflicts', 'list', '--json=yes'], '--json takes no value'],
    [['help', 'records', 'lst'], 'no command records lst'],
  ])('says what is wrong with %j in one line above the usage', (argv, message) => {
    // Act
    const parsed = parseCommandLine(cliCommands, argv, PROG);
    // Assess
    expect(parsed).toMatchObject({ kind: 'error', message });
    expect(parsed.kind === 'error' && parsed.message).not.toContain('\n');
    expect(parsed.kind === 'error' && parsed.usage).toMatch(
      /^usage: npm run sync -- .*\n\(more: npm run sync -- .*--help\)$/,
    );
  });

  it('shows the help when --help comes with an otherwise wrong line', () => {
    // Act
    const parsed = parseCommandLine(cliCommands, ['records', 'show', '--bogus', '--help'], PROG);
    // Assess
    expect(parsed).toMatchObject({ kind: 'help' });
    expect(parsed.kind === 'help' && parsed.text).toMatch(/^usage: npm run sync -- records show <type> <id>/);
  });
});
