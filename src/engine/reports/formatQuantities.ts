import { GRAMS_PER_KG } from '../units';

const WH_PER_KWH = 1_000;
const MG_PER_G = 1_000;

/** A number with about three significant digits, never in exponent notation: 56, 0.0123, 1234. */
export function formatSignificant(value: number, significantDigits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const decimals = Math.max(0, significantDigits - 1 - Math.floor(Math.log10(Math.abs(value))));
  const fixed = value.toFixed(Math.min(decimals, 100));
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

const SUPERSCRIPT_DIGITS: Record<string, string> = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/**
 * An amount a person reads at a glance: three significant digits, and below 0.001 a power of ten
 * ("4.52 × 10⁻⁶") rather than a row of zeros to count.
 */
export function formatReadableAmount(value: number): string {
  if (!Number.isFinite(value) || value === 0 || Math.abs(value) >= 0.001) return formatSignificant(value);
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  const mantissa = formatSignificant(value / 10 ** exponent);
  return `${mantissa} × 10${[...String(exponent)].map((char) => SUPERSCRIPT_DIGITS[char] ?? char).join('')}`;
}

/** Energy in Wh below 1 kWh, in kWh above. */
export function formatEnergy(energyKWh: number): string {
  return Math.abs(energyKWh) >= 1 ? `${formatSignificant(energyKWh)} kWh` : `${formatSignificant(energyKWh * WH_PER_KWH)} Wh`;
}

/** Emissions in mg, g or kg CO₂e, whichever keeps the number between 1 and 1000. */
export function formatEmissions(emissionsKg: number): string {
  const grams = emissionsKg * GRAMS_PER_KG;
  if (Math.abs(emissionsKg) >= 1) return `${formatSignificant(emissionsKg)} kg CO₂e`;
  if (Math.abs(grams) >= 1 || grams === 0) return `${formatSignificant(grams)} g CO₂e`;
  return `${formatSignificant(grams * MG_PER_G)} mg CO₂e`;
}

export function formatPowerWatts(powerWatts: number): string {
  return `${formatSignificant(powerWatts)} W`;
}

/** "12.3 s", "4 min 05 s", "2 h 03 min". */
export function formatDuration(durationSeconds: number): string {
  if (durationSeconds < 60) return `${formatSignificant(durationSeconds)} s`;
  const totalSeconds = Math.round(durationSeconds);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const two = (value: number): string => String(value).padStart(2, '0');
  return hours > 0 ? `${hours} h ${two(minutes)} min` : `${minutes} min ${two(seconds)} s`;
}

/** PUE always shows a decimal (1.0, 1.58), as data-centre figures are written. */
export function formatPue(pue: number): string {
  return Number.isInteger(pue) ? pue.toFixed(1) : String(pue);
}
