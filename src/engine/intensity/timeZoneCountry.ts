import { readFileSync, readlinkSync } from 'node:fs';

/** Where tzdata usually lives; pass another path on systems without it. */
export const DEFAULT_ZONE_TAB_PATH = '/usr/share/zoneinfo/zone.tab';

/**
 * The system's IANA time zone, e.g. "Europe/Paris"; for the composition root only. `TZ`, then the
 * `/etc/localtime` link, and `Intl` only as a last resort: its first use costs ~15 ms of start-up.
 */
export function systemTimeZone(env: Readonly<Record<string, string | undefined>> = process.env, localtimePath = '/etc/localtime'): string | undefined {
  const fromEnv = env.TZ?.replace(/^:/, '');
  if (fromEnv && !fromEnv.startsWith('/')) return fromEnv;
  try {
    const target = readlinkSync(localtimePath);
    const marker = target.lastIndexOf('zoneinfo/');
    if (marker !== -1) return target.slice(marker + 'zoneinfo/'.length);
  } catch {
    // not a link (a copied file) or missing: ask Intl
  }
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * The ISO2 country of an IANA time zone according to a zone.tab or zone1970.tab file, or undefined
 * when the zone is not listed (UTC, Etc/GMT+1) or the file cannot be read.
 */
export function countryOfTimeZone(timeZone: string, zoneTabPath: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(zoneTabPath, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [codes = '', , zone] = line.split('\t');
    // zone1970.tab lists every country sharing a zone ("CH,DE,LI"); the first is the zone's main country.
    if (zone?.trim() === timeZone) return codes.split(',')[0]?.trim();
  }
  return undefined;
}

/** The place a zone.tab line names for a time zone: its main country and its principal city's coordinates. */
export interface TimeZonePlace {
  readonly countryIso2: string;
  readonly latitude: number;
  readonly longitude: number;
}

// ISO 6709 as tzdata writes it: ±DDMM±DDDMM or ±DDMMSS±DDDMMSS.
const ISO6709 = /^([+-])(\d{2})(\d{2})(\d{2})?([+-])(\d{3})(\d{2})(\d{2})?$/;

function degrees(sign: string, whole: string, minutes: string, seconds: string | undefined): number {
  const value = Number(whole) + Number(minutes) / 60 + Number(seconds ?? '0') / 3600;
  return sign === '-' ? -value : value;
}

/**
 * The country and the coordinates of the principal city of an IANA time zone (Paris for
 * Europe/Paris) from zone.tab or zone1970.tab, or undefined when the zone is not listed or the file
 * cannot be read. A rough "where am I" for distances: the city, not the machine.
 */
export function placeOfTimeZone(timeZone: string, zoneTabPath: string): TimeZonePlace | undefined {
  let text: string;
  try {
    text = readFileSync(zoneTabPath, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const [codes = '', coordinates = '', zone] = line.split('\t');
    if (zone?.trim() !== timeZone) continue;
    const match = ISO6709.exec(coordinates.trim());
    const countryIso2 = codes.split(',')[0]?.trim();
    if (!match || !countryIso2) return undefined;
    const [, latSign = '+', latDeg = '0', latMin = '0', latSec, lonSign = '+', lonDeg = '0', lonMin = '0', lonSec] = match;
    return { countryIso2, latitude: degrees(latSign, latDeg, latMin, latSec), longitude: degrees(lonSign, lonDeg, lonMin, lonSec) };
  }
  return undefined;
}
