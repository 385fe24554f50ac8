import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A small static reader of the project's own TypeScript: which module
 * imports which, and what a module touches (tables, DynamoDB operations).
 * The layout rules and the grants test read the code through it, as text:
 * nothing here runs or bundles a module.
 */

/** The repository root; every path below is relative to it, with `/`. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** An import as written: relative ones resolved to a repository path, packages by name. */
export interface ImportEdge {
  readonly specifier: string;
  /** The imported file (`functions/kernel/aws/dynamo-client.ts`), or undefined for a package. */
  readonly file?: string;
  /** `import type` / `export type`: erased at build time, so it bundles nothing. */
  readonly typeOnly: boolean;
}

const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/g;
const DYNAMIC = /import\(\s*['"]([^'"]+)['"]\s*\)/g;

const sources = new Map<string, string>();

/** The text of a repository file, read once. */
export const sourceOf = (file: string): string => {
  let text = sources.get(file);
  if (text === undefined) {
    text = readFileSync(path.join(ROOT, file), 'utf8');
    sources.set(file, text);
  }
  return text;
};

const resolve = (from: string, specifier: string): string | undefined => {
  if (!specifier.startsWith('.')) return undefined;
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier)).replace(/\.js$/, '.ts');
  return existsSync(path.join(ROOT, target)) ? target : undefined;
};

/** The code of a file without its comments (examples in doc comments are not calls). */
const withoutComments = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** The imports of one file, in the order written. */
export const importsOf = (file: string): ImportEdge[] => {
  const text = withoutComments(sourceOf(file));
  const edges: ImportEdge[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[3] as string;
    edges.push({ specifier, file: resolve(file, specifier), typeOnly: match[2] !== undefined });
  }
  for (const match of text.matchAll(DYNAMIC)) {
    const specifier = match[1] as string;
    edges.push({ specifier, file: resolve(file, specifier), typeOnly: false });
  }
  return edges;
};

/**
 * Every repository file a module pulls into a bundle: the transitive
 * closure of its imports, type-only imports left out (esbuild erases them).
 */
export const bundledFiles = (entry: string): string[] => {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const edge of importsOf(file)) {
      if (edge.typeOnly || !edge.file || seen.has(edge.file)) continue;
      seen.add(edge.file);
      queue.push(edge.file);
    }
  }
  return [...seen];
};

/** Every `.ts` file under a folder of the repository, as repository paths. */
export const filesUnder = (folder: string): string[] => {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(path.join(ROOT, dir))) {
      const child = `${dir}/${name}`;
      if (statSync(path.join(ROOT, child)).isDirectory()) walk(child);
      else if (name.endsWith('.ts')) out.push(child);
    }
  };
  walk(folder);
  return out.sort();
};

/** The DynamoDB operations (IAM action names) each lib-dynamodb command or paginator stands for. */
const OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  GetCommand: ['GetItem'],
  BatchGetCommand: ['BatchGetItem'],
  QueryCommand: ['Query'],
  paginateQuery: ['Query'],
  ScanCommand: ['Scan'],
  paginateScan: ['Scan'],
  PutCommand: ['PutItem'],
  UpdateCommand: ['UpdateItem'],
  DeleteCommand: ['DeleteItem'],
  BatchWriteCommand: ['BatchWriteItem'],
  TransactGetCommand: ['GetItem'],
  // Only SELECT statements are sent (kernel/records/match-batch.ts): IAM authorises them as PartiQLSelect.
  ExecuteStatementCommand: ['PartiQLSelect'],
};

/** IAM authorises each item of a TransactWriteItems call by its own action. */
const TRANSACT_ITEMS: Readonly<Record<string, string>> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
};

/**
 * What one module does to DynamoDB: the tables it names (`tableName('x')`)
 * and the operations it calls. Attributed at module granularity: every
 * operation of a module counts for every table it names, which is why the
 * store modules each keep to one table.
 */
export const tableUseOf = (file: string): { tables: string[]; operations: string[] } => {
  const text = withoutComments(sourceOf(file));
  const tables = [...new Set([...text.matchAll(/tableName\(\s*'([A-Za-z]+)'\s*\)/g)].map((m) => m[1] as string))];
  const operations = new Set<string>();
  for (const [name, ops] of Object.entries(OPERATIONS)) {
    if (new RegExp(`\\b(new\\s+${name}\\(|${name}\\()`).test(text)) for (const op of ops) operations.add(op);
  }
  if (/new\s+TransactWriteCommand\(/.test(text)) {
    for (const [key, op] of Object.entries(TRANSACT_ITEMS)) {
      if (new RegExp(`\\b${key}\\s*:`).test(text)) operations.add(op);
    }
  }
  return { tables, operations: [...operations].sort() };
};

/** For one handler entry: each table its bundle names, with the operations used on it. */
export const tableAccessOf = (entry: string): Record<string, string[]> => {
  const access: Record<string, Set<string>> = {};
  for (const file of bundledFiles(entry)) {
    const { tables, operations } = tableUseOf(file);
    for (const table of tables) {
      access[table] ??= new Set();
      for (const op of operations) access[table].add(op);
    }
  }
  return Object.fromEntries(Object.entries(access).map(([table, ops]) => [table, [...ops].sort()]));
};
