import { Logger } from '@aws-lambda-powertools/logger';

/**
 * An object of class `T` built on first use instead of at module load:
 * constructing Powertools' Logger costs a few milliseconds of every
 * cold start (issue 15), spent before the first request even when a
 * function never logs. Every property read, write and method call goes to
 * the one instance built by `create` the first time any of them happens, so
 * callers (and `injectLambdaContext(logger)`) see the same object as before.
 * Methods are bound to that instance, as Powertools keeps its state in
 * `#private` fields a proxy could not reach. `instanceof` still holds.
 */
const builtOnFirstUse = <T extends object>(prototype: object, create: () => T): T => {
  let instance: T | undefined;
  const real = (): T => {
    instance ??= create();
    return instance;
  };
  return new Proxy(Object.create(prototype) as T, {
    get: (_, key) => {
      const target = real();
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set: (_, key, value) => Reflect.set(real(), key, value),
    has: (_, key) => Reflect.has(real(), key),
    // So that a test's `vi.spyOn(logger, 'info')` replaces the method on the instance that logs.
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(real(), key),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      // A proxy may only report configurable properties its (empty) target lacks.
      return descriptor && { ...descriptor, configurable: true };
    },
  });
};

/**
 * The structured logger every function shares. Powertools writes one JSON
 * object per line, so logs can be searched by `correlation_id`, `record_id`,
 * `delivery_id` or any other key a handler appends. Built on first use
 * ({@link builtOnFirstUse}): the environment it reads is the same at first
 * use as at load on Lambda.
 *
 * @example
 * logger.info('webhook received', { delivery_id: id });
 */
const logger: Logger = /* @__PURE__ */ builtOnFirstUse(
  Logger.prototype,
  () =>
    new Logger({
      serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'sync-tools',
      logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
    }),
);

export { logger };
