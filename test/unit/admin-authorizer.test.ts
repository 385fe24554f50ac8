import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearSecretCache } from '../../functions/kernel/config/secrets.js';
import { authorizeAdmin } from '../../functions/platform/admin-authorizer/authorize.js';

/**
 * The admin authorizer during a token rotation: `ADMIN_TOKEN` (offline; the
 * same field of the admin secret on AWS) holds the old and the new token,
 * both valid until the old one is removed.
 */
const OLD = 'old-admin-token-0123456789';
const NEW = 'new-admin-token-abcdefghij';

const requestWith = (authorization?: string): APIGatewayRequestAuthorizerEventV2 =>
  ({
    type: 'REQUEST',
    routeKey: 'GET /admin/records/{type}/{id}',
    headers: authorization === undefined ? {} : { authorization },
  }) as unknown as APIGatewayRequestAuthorizerEventV2;

const authorized = async (setting: string, authorization?: string): Promise<boolean> => {
  process.env.ADMIN_TOKEN = setting;
  return (await authorizeAdmin(requestWith(authorization))).isAuthorized;
};

let saved: string | undefined;

beforeEach(() => {
  saved = process.env.ADMIN_TOKEN;
  clearSecretCache();
});

afterEach(() => {
  if (saved === undefined) delete process.env.ADMIN_TOKEN;
  else process.env.ADMIN_TOKEN = saved;
});

describe('Admin authorizer: token rotation', () => {
  describe.each([
    ['a space', `${OLD} ${NEW}`],
    ['a comma', `${OLD},${NEW}`],
    ['a comma and spaces', ` ${OLD} , ${NEW} `],
    ['a line break', `${OLD}\n${NEW}\n`],
  ])('with the two tokens separated by %s', (_separator, setting) => {
    it('accepts the old token and the new one', async () => {
      // Act
      const answers = [await authorized(setting, `Bearer ${OLD}`), await authorized(setting, `Bearer ${NEW}`)];
      // Assess
      expect(answers).toEqual([true, true]);
    });
  });

  it('accepts the new token alone once the old one is removed, and no longer the old one', async () => {
    // Act
    const answers = [await authorized(NEW, `Bearer ${NEW}`), await authorized(NEW, `Bearer ${OLD}`)];
    // Assess
    expect(answers).toEqual([true, false]);
  });

  it.each([
    ['a wrong token', 'Bearer not-the-admin-token-at-all'],
    ['a token cut short', `Bearer ${OLD.slice(0, -1)}`],
    ['a token with a character more', `Bearer ${NEW}x`],
    ['the two tokens as one', `Bearer ${OLD},${NEW}`],
    ['the two tokens run together', `Bearer ${OLD}${NEW}`],
    ['a token in another scheme', `Basic ${OLD}`],
    ['no token after the scheme', 'Bearer '],
    ['no header', undefined],
  ])('refuses %s while both tokens are valid', async (_case, authorization) => {
    // Act
    const answer = await authorized(`${OLD} ${NEW}`, authorization);
    // Assess
    expect(answer).toBe(false);
  });

  it.each([
    ['empty entries between commas', `${OLD},,${NEW}`, 'Bearer ,'],
    ['only separators', ' , ', 'Bearer ,'],
    ['an empty setting', '', 'Bearer '],
  ])('never lets an empty entry match (%s)', async (_case, setting, authorization) => {
    // Act
    const answer = await authorized(setting, authorization);
    // Assess
    expect(answer).toBe(false);
  });

  it('lets nobody in when one entry of the setting is shorter than 16 characters, not even with the good one', async () => {
    // Act
    const answers = [
      await authorized(`${OLD} short`, `Bearer ${OLD}`),
      await authorized(`${OLD} short`, 'Bearer short'),
    ];
    // Assess
    expect(answers).toEqual([false, false]);
  });
});
