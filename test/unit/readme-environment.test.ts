import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { integrations } from '../../functions/kernel/wiring/integrations.js';

/**
 * Every environment variable our code reads is named in the README, so a
 * newcomer never has to read code to find a setting: the literal
 * `process.env.NAME` reads in functions/, local/, lib/ and bin/, the
 * offline engines' port settings, every integration field's offline
 * variable, and the variables libraries read that we tell people to set
 * (`POWERTOOLS_DEV`). Names the stack derives and sets itself (`*_TABLE`,
 * `*_QUEUE_URL`, `*_SECRET_ARN`, ...) are read through `process.env[name]`
 * and are covered by the README's one line on them.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const FOLDERS = ['functions', 'local', 'lib', 'bin'];
/** Read by libraries, not by our code, and documented because people set them. */
const LIBRARY_VARIABLES = ['POWERTOOLS_DEV', 'LOG_LEVEL'];

const sourceFiles = (folder: string): string[] =>
  readdirSync(path.join(ROOT, folder)).flatMap((name) => {
    const file = path.join(folder, name);
    if (statSync(path.join(ROOT, file)).isDirectory()) return sourceFiles(file);
    return /\.(ts|mjs)$/.test(name) ? [file] : [];
  });

const variablesReadByCode = (): string[] => {
  const names = new Set<string>(LIBRARY_VARIABLES);
  for (const file of FOLDERS.flatMap(sourceFiles)) {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    for (const match of text.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)) names.add(match[1] as string);
    // The offline engines' ports are read by name through one helper (local/start.ts, local/engines.ts).
    for (const match of text.matchAll(/'([A-Z][A-Z0-9_]*_PORT)'/g)) names.add(match[1] as string);
  }
  for (const spec of Object.values(integrations)) {
    for (const field of Object.values(spec.fields)) names.add(field.env);
  }
  return [...names].sort();
};

describe('README: every environment variable', () => {
  it('names every environment variable the code reads', () => {
    // Prepare
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

    // Act
    const missing = variablesReadByCode().filter((name) => !new RegExp(`\\b${name}\\b`).test(readme));

    // Assess
    expect(missing).toEqual([]);
  });

  it('finds the variables it checks for, so it cannot pass by reading nothing', () => {
    // Act
    const names = variablesReadByCode();

    // Assess
    expect(names).toEqual(expect.arrayContaining(['ADMIN_TOKEN', 'DYNAMODB_PORT', 'SQS_PORT', 'SES_PORT']));
    expect(names).toEqual(expect.arrayContaining(['CRM_API_URL', 'SYNC_TOOLS_URL', 'OFFLINE_LOG_LEVEL']));
  });
});
