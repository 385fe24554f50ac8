import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** `npm start -- --help` and `npm run bench -- --help` explain themselves and start nothing. */
const run = (script: string): string =>
  execFileSync(process.execPath, ['--import', 'tsx', script, '--help'], { encoding: 'utf8', timeout: 60_000 });

describe('Help for npm start and npm run bench', () => {
  it('prints the options and settings of npm start and exits without starting an engine', { timeout: 60_000 }, () => {
    // Act
    const out = run('local/start.ts');

    // Assess
    expect(out).toMatch(/^usage: npm start/);
    expect(out).toContain('--in-memory');
    expect(out).toContain('--no-playground');
    expect(out).toContain('DYNAMODB_PORT');
    expect(out).not.toContain('offline stack ready');
  });

  it('lists the bench suites', { timeout: 60_000 }, () => {
    // Act
    const out = run('bench/run.ts');

    // Assess
    expect(out).toMatch(/^usage: npm run bench/);
    expect(out).toContain('bulk');
  });
});
