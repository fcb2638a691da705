// How the panel writes quantities. The same conventions as the engine's reports (three significant
// digits, mg/g/kg and Wh/kWh scaling), re-implemented here because the webview imports only the protocol.
// DOM-free: unit-tested in plain Node.
import type { ComponentKindView, RunStatusView, RunSummaryView } from '../protocol/panelMessages';

const GRAMS_PER_KG = 1_000;
const MG_PER_G = 1_000;
const WH_PER_KWH = 1_000;

/** A number with about three significant digits, never in exponent notation: 56, 0.0123, 1235. */
export function formatSignificant(value: number, significantDigits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const decimals = Math.max(0, significantDigits - 1 - Math.floor(Math.log10(Math.abs(value))));
  const fixed = value.toFixed(Math.min(decimals, 100));
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

const SUPERSCRIPT_DIGITS: Readonly<Record<string, string>> = {
  '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹',
};

/** Three significant digits, and below 0.001 a power of ten ("4.52 × 10⁻⁶") rather than zeros to count. */
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

/** The unit an emissions figure or axis reads best in, and how many of that unit make one kg. */
export interface EmissionsScale {
  readonly unit: 'mg' | 'g' | 'kg';
  readonly perKg: number;
}

/** mg, g or kg, whichever keeps `emissionsKg` between 1 and 1000 (g for zero). */
export function emissionsScaleFor(emissionsKg: number): EmissionsScale {
  const grams = Math.abs(emissionsKg) * GRAMS_PER_KG;
  if (grams >= GRAMS_PER_KG) return { unit: 'kg', perKg: 1 };
  if (grams >= 1 || grams === 0) return { unit: 'g', perKg: GRAMS_PER_KG };
  return { unit: 'mg', perKg: GRAMS_PER_KG * MG_PER_G };
}

/** "39.2 mg CO₂e", "12.3 g CO₂e", "3.21 kg CO₂e". */
export function formatEmissions(emissionsKg: number): string {
  const scale = emissionsScaleFor(emissionsKg);
  return `${formatSignificant(emissionsKg * scale.perKg)} ${scale.unit} CO₂e`;
}

export function formatPower(powerWatts: number): string {
  return `${formatSignificant(powerWatts)} W`;
}

export function formatIntensity(intensityGramsPerKWh: number): string {
  return `${formatSignificant(intensityGramsPerKWh)} g CO₂e/kWh`;
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
  return Number.isInteger(pue) ? pue.toFixed(1) : formatSignificant(pue);
}

/** Local date and time to the minute, "2024-03-15 10:00", as the history list shows a run's start. */
export function formatStartTime(epochMs: number): string {
  const date = new Date(epochMs);
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

const STATUS_LABELS: Readonly<Record<RunStatusView, string>> = {
  running: 'Running',
  finished: 'Finished',
  interrupted: 'Interrupted',
  failed: 'Failed',
};

/** "Running", "Finished, exit code 0", "Interrupted". */
export function formatStatus(summary: Pick<RunSummaryView, 'status' | 'exitCode'>): string {
  const label = STATUS_LABELS[summary.status];
  return summary.exitCode === undefined || summary.status === 'running' ? label : `${label}, exit code ${summary.exitCode}`;
}

export const COMPONENT_LABELS: Readonly<Record<ComponentKindView, string>> = { cpu: 'CPU', gpu: 'GPU', ram: 'RAM' };
