import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../functions/console/page/console-assets.js';
import { consoleScript } from '../../functions/console/assets/console-script.js';
import { webhookEnv } from '../helpers/stack-env.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * The console's page and assets as the offline stack serves them (the same
 * bundle that deploys): public, with a Content-Security-Policy that forbids
 * inline scripts, no type sniffing, small, and a script that never builds
 * HTML from a string.
 */
let stack: TestStack;

/** What the page weighs, HTML + JS + CSS, uncompressed: the budget keeps it a page, not an app. */
const PAGE_WEIGHT_BUDGET_BYTES = 48 * 1024;

const get = async (path: string) => {
  const response = await fetch(`${stack.url}${path}`);
  return { status: response.status, headers: response.headers, body: await response.text() };
};

beforeAll(async () => {
  stack = await startTestStack({ env: webhookEnv() });
});

afterAll(async () => {
  await stack?.stop();
});

describe('GET /console and its assets', () => {
  it('serves the page, its script and its stylesheet without a token, each with the CSP and nosniff', async () => {
    // Act
    const answers = await Promise.all([get('/console'), get('/console/app.js'), get('/console/app.css')]);
    // Assess
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.headers.get('content-type'))).toEqual([
      'text/html; charset=utf-8',
      'text/javascript; charset=utf-8',
      'text/css; charset=utf-8',
    ]);
    for (const answer of answers) {
      expect(answer.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(answers[0]?.body).toContain('<script type="module" src="console/app.js"></script>');
  });

  it('keeps the page within its weight budget', async () => {
    // Act
    const answers = await Promise.all([get('/console'), get('/console/app.js'), get('/console/app.css')]);
    // Assess
    const bytes = answers.reduce((sum, a) => sum + Buffer.byteLength(a.body), 0);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(PAGE_WEIGHT_BUDGET_BYTES);
  });

  it('answers 404 for an asset it does not have, still with the CSP', async () => {
    // Act
    const answer = await get('/console/secrets.json');
    // Assess
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toEqual({ error: 'No such console asset' });
    expect(answer.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('has a script that builds no HTML from strings and loads nothing from another origin', () => {
    // Assess
    expect(consoleScript).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    expect(consoleScript).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });
});
