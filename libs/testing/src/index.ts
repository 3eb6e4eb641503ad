import * as vm from 'node:vm';

/**
 * Waits for an asynchronous effect: retries `assertion` until it stops throwing (or returns a
 * truthy value) and returns its result; on timeout rethrows the last failure. Never a fixed sleep.
 */
export async function eventually<T>(
  assertion: () => T | Promise<T>,
  { timeoutMs = 20_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<Exclude<T, undefined | null | false>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = new Error('condition never became true');
  for (;;) {
    try {
      const value = await assertion();
      if (value !== undefined && value !== null && value !== false) return value as Exclude<T, undefined | null | false>;
      if (value === undefined) return value as never; // assertion style: no throw means done
      lastError = new Error(`condition returned ${String(value)}`);
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw lastError;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Loads an ES module from CommonJS test code (jest transpiles `import()` to `require`). */
export async function importEsm<T = Record<string, unknown>>(specifier: string): Promise<T> {
  const loader = new vm.Script('(s) => import(s)', {
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }).runInThisContext() as (s: string) => Promise<T>;
  return loader(specifier);
}
export { registeredBoy, motherSearching } from './scenario';
export { testDatabase, useServiceEnvironment, TestDatabase } from './test-database';
export { watchTopic, TopicWatcher } from './topic-watcher';
