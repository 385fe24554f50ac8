import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearSecretCache, loadIntegration, requireIntegration } from '../../functions/kernel/config/secrets.js';

const SECRET = `whsec_${Buffer.from('integration-settings-secret-0001').toString('base64')}`;
const ROTATED = `whsec_${Buffer.from('integration-settings-secret-0002').toString('base64')}`;

describe('Function: loadIntegration() offline', () => {
  beforeEach(() => {
    vi.stubEnv('INVENTORY_SECRET_ARN', '');
    vi.stubEnv('INVENTORY_WEBHOOK_SECRET', SECRET);
    clearSecretCache();
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reads each field from its environment variable', async () => {
    // Act
    const loaded = await loadIntegration('inventory');
    // Assess
    expect(loaded).toEqual({ ok: true, settings: { webhookSecret: SECRET } });
  });

  it('sees a changed variable on the next call, though the same values are checked only once', async () => {
    // Prepare
    const first = await loadIntegration('inventory');
    const again = await loadIntegration('inventory');
    // Act
    vi.stubEnv('INVENTORY_WEBHOOK_SECRET', ROTATED);
    const afterChange = await loadIntegration('inventory');
    vi.stubEnv('INVENTORY_WEBHOOK_SECRET', 'not-a-secret');
    const afterBreak = await loadIntegration('inventory');
    // Assess
    expect(again).toBe(first);
    expect(afterChange).toEqual({ ok: true, settings: { webhookSecret: ROTATED } });
    expect(afterBreak).toEqual({
      ok: false,
      problems: [
        'INVENTORY_WEBHOOK_SECRET is invalid: must be whsec_<base64>, or several separated by spaces (Standard Webhooks secret (whsec_...))',
      ],
    });
  });

  it('hands out settings no caller can change for the next request', async () => {
    // Prepare
    const loaded = await loadIntegration('inventory');
    if (!loaded.ok) throw new Error('expected settings');
    // Act
    const changing = () => {
      (loaded.settings as { webhookSecret: string }).webhookSecret = 'whsec_changed';
    };
    // Assess
    expect(changing).toThrow(TypeError);
    expect(await loadIntegration('inventory')).toEqual({ ok: true, settings: { webhookSecret: SECRET } });
  });

  it('answers 503 naming the variable when it is not set', async () => {
    // Prepare
    vi.stubEnv('INVENTORY_WEBHOOK_SECRET', '');
    // Act
    const loading = requireIntegration('inventory');
    // Assess
    await expect(loading).rejects.toMatchObject({
      statusCode: 503,
      message: expect.stringContaining('INVENTORY_WEBHOOK_SECRET is not set'),
    });
  });
});
