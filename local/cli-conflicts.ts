/**
 * Conflicts from the command line: `conflicts list` and `conflicts show`,
 * over the conflicts admin API (`GET /admin/conflicts[/{id}]`). Resolving
 * stays with the API and the console: a choice per field reads better there.
 */
import { AdminApiError, CliError, adminClientFromEnv } from './admin-client.js';
import type { CommandContext, CommandSpec } from './cli-spec.js';
import { fields, table } from './cli-table.js';

const ENV = ['SYNC_TOOLS_URL', 'PORT', 'ADMIN_TOKEN'] as const;
/** `open` is what a newcomer types; the API calls an open conflict `pending`. */
const STATUSES: Readonly<Record<string, string>> = {
  open: 'pending',
  pending: 'pending',
  resolved: 'resolved',
  escalated: 'escalated',
};

interface ConflictView {
  readonly conflict_id: string;
  readonly record_type: string;
  readonly record_id: string;
  readonly source: string;
  readonly status: string;
  readonly created_at: string;
  readonly remote_event?: string;
  readonly winner?: string;
  readonly resolution_type?: string;
  readonly resolved_at?: string;
  readonly escalated_at?: string;
}

interface FieldView {
  readonly field: string;
  readonly base: unknown;
  readonly local: unknown;
  readonly remote: unknown;
  readonly overlap: boolean;
}

const printJson = (context: CommandContext, value: unknown): void => {
  context.out.write(`${JSON.stringify(value, null, 2)}\n`);
};

const list: CommandSpec = {
  name: 'list',
  summary: 'conflicts by status, newest page first',
  options: [
    {
      name: 'status',
      type: 'string',
      value: 'open|resolved|escalated',
      description: 'which ones (default open; `pending` is the same as open)',
    },
    { name: 'limit', type: 'string', value: 'N', description: 'at most N conflicts (default 100)' },
    { name: 'next', type: 'string', value: 'TOKEN', description: 'the page after the one that printed this token' },
  ],
  examples: ['--status open'],
  env: ENV,
  run: async (context) => {
    const { status = 'open', limit, next } = context.values as Record<string, string | undefined>;
    const apiStatus = STATUSES[status];
    if (!apiStatus) throw new CliError(`--status must be open, resolved or escalated, not ${status}`);
    const query = new URLSearchParams({
      status: apiStatus,
      ...(limit ? { limit } : {}),
      ...(next ? { cursor: next } : {}),
    }).toString();
    const page = (await adminClientFromEnv().call('GET', `/admin/conflicts?${query}`)) as {
      items: ConflictView[];
      cursor?: string;
    };
    if (context.json) {
      printJson(context, page);
      return 0;
    }
    context.out.write(
      table(
        page.items,
        [
          { header: 'CONFLICT', cell: (c) => c.conflict_id },
          { header: 'RECORD', cell: (c) => `${c.record_type} ${c.record_id}` },
          { header: 'SOURCE', cell: (c) => c.source },
          { header: 'STATUS', cell: (c) => c.status },
          { header: 'CREATED', cell: (c) => c.created_at },
        ],
        `no ${status} conflicts`,
      ),
    );
    if (page.cursor) context.out.write(`more: ${context.prog} list --status ${status} --next ${page.cursor}\n`);
    return 0;
  },
};

const show: CommandSpec = {
  name: 'show',
  summary: 'one conflict, field by field: base, local and remote values',
  args: [{ name: 'id', description: "the conflict's id (as `conflicts list` printed it)" }],
  examples: ['c_7d0e3b1a'],
  env: ENV,
  run: async (context) => {
    const { id = '' } = context.args;
    let answer: { conflict: ConflictView; record: { version: number } | null; fields: FieldView[] };
    try {
      answer = (await adminClientFromEnv().call('GET', `/admin/conflicts/${encodeURIComponent(id)}`)) as typeof answer;
    } catch (error) {
      if (error instanceof AdminApiError && error.status === 404) throw new CliError(`no conflict ${id}`);
      throw error;
    }
    if (context.json) {
      printJson(context, answer);
      return 0;
    }
    const { conflict } = answer;
    context.out.write(
      fields([
        ['conflict', conflict.conflict_id],
        ['record', `${conflict.record_type} ${conflict.record_id}`],
        ['record version', answer.record?.version ?? '(record gone)'],
        ['source', conflict.source],
        ['remote event', conflict.remote_event],
        ['status', conflict.status],
        ['created', conflict.created_at],
        [
          'resolved',
          conflict.resolved_at && `${conflict.resolved_at} (${conflict.resolution_type}, ${conflict.winner} won)`,
        ],
        ['escalated', conflict.escalated_at],
      ]),
    );
    context.out.write(
      table(
        answer.fields,
        [
          { header: 'FIELD', cell: (f) => f.field },
          { header: 'BASE', cell: (f) => f.base },
          { header: 'LOCAL', cell: (f) => f.local },
          { header: 'REMOTE', cell: (f) => f.remote },
          { header: 'BOTH CHANGED', cell: (f) => (f.overlap ? 'yes' : '') },
        ],
        'no fields',
      ),
    );
    return 0;
  },
};

/**
 * The `conflicts` command group.
 *
 * @example
 * // npm run sync -- conflicts list --status open
 */
const conflictsCommand: CommandSpec = {
  name: 'conflicts',
  summary: 'list conflicts and show one field by field',
  description: 'Conflicts: a change from an outside system that met a local change to the same record.',
  examples: ['list', 'show c_7d0e3b1a'],
  env: ENV,
  commands: [list, show],
};

export { conflictsCommand };
