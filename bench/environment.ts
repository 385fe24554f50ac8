/**
 * Sets variables on `process.env` and answers how to put back what was there.
 *
 * Handlers read their table names, endpoints and secrets from `process.env`
 * on every call, as on Lambda; the bench sets them for as long as it needs
 * them and restores the previous values (or their absence) afterwards, so a
 * suite leaves the process as it found it.
 *
 * @example
 * const restore = setEnvironment({ CRM_WEBHOOK_SECRET: secret });
 * try { ... } finally { restore(); }
 */
const setEnvironment = (variables: Readonly<Record<string, string>>): (() => void) => {
  const previous = Object.fromEntries(Object.keys(variables).map((key) => [key, process.env[key]]));
  Object.assign(process.env, variables);
  return () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
};

export { setEnvironment };
