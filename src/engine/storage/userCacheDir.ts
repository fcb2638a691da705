import { join } from 'node:path';

/**
 * A folder of Carbon Meter's cache for one purpose (`intensity`, `compile`): under CARBON_METER_CACHE_DIR,
 * else the XDG cache folder, else ~/.cache; undefined without a home. Imports only node:path, so the
 * launchers (src/launcher/) can use it without slowing the start they save.
 */
export function userCacheDir(env: Readonly<Record<string, string | undefined>>, purpose: string): string | undefined {
  if (env.CARBON_METER_CACHE_DIR) return join(env.CARBON_METER_CACHE_DIR, purpose);
  const base = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : undefined);
  return base ? join(base, 'carbon-meter', purpose) : undefined;
}
