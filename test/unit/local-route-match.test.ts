import { describe, expect, it } from 'vitest';
import { createRouteMatcher } from '../../local/route-match.js';

const routes = [
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/admin/records/{type}' },
  { method: 'GET', path: '/admin/records/{type}/{id}' },
  { method: 'PUT', path: '/admin/records/{type}/{id}' },
  { method: 'GET', path: '/admin/records/contact/{id}' },
  { method: 'GET', path: '/files/{proxy+}' },
  { method: 'GET', path: '/files/readme' },
] as const;

const match = createRouteMatcher(routes);

describe('Function: createRouteMatcher()', () => {
  describe.each([
    ['GET', '/health', '/health', {}],
    ['GET', '/admin/records/account', '/admin/records/{type}', { type: 'account' }],
    ['GET', '/admin/records/account/a-1', '/admin/records/{type}/{id}', { type: 'account', id: 'a-1' }],
    ['PUT', '/admin/records/account/a-1', '/admin/records/{type}/{id}', { type: 'account', id: 'a-1' }],
    ['GET', '/admin/records/contact/c-1', '/admin/records/contact/{id}', { id: 'c-1' }],
    ['GET', '/admin/records/a%20b/x%2Fy', '/admin/records/{type}/{id}', { type: 'a b', id: 'x/y' }],
    ['GET', '/files/a/b/c.txt', '/files/{proxy+}', { proxy: 'a/b/c.txt' }],
    ['GET', '/files/readme', '/files/readme', {}],
    ['get', '/health', '/health', {}],
  ])('%s %s', (method, path, route, params) => {
    it(`matches ${route}`, () => {
      // Act
      const found = match(method, path);

      // Assess
      expect(found?.route.path).toBe(route);
      expect(found?.pathParameters).toEqual(params);
    });
  });

  describe.each([
    ['GET', '/nowhere'],
    ['POST', '/health'],
    ['GET', '/health/'],
    ['GET', '/admin/records/contact/c-1/extra'],
    ['GET', '/admin/records//c-1'],
    ['GET', '/files'],
    ['GET', '/files/'],
  ])('%s %s', (method, path) => {
    it('matches nothing (API Gateway answers 404)', () => {
      // Act & Assess
      expect(match(method, path)).toBeUndefined();
    });
  });

  it('refuses a greedy variable that is not the last segment', () => {
    // Act & Assess
    expect(() => createRouteMatcher([{ method: 'GET', path: '/a/{rest+}/b' }])).toThrow(/must be the last segment/);
  });
});
