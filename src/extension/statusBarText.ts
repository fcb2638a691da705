/**
 * What the status bar item says; pure so it is unit-tested without an editor. Idle it shows the grid
 * intensity runs would be counted at; while runs are tracked, their live grams CO₂e and watts.
 */
import { formatSignificant } from '../engine/reports/formatQuantities';
import type { ComponentPowerWatts, RunSourceSummary } from '../engine/reports/runRecord';
import { GRAMS_PER_KG } from '../engine/units';

export interface StatusBarRun {
  readonly command: string;
  readonly emissionsKg: number;
  readonly powerWatts: ComponentPowerWatts;
  readonly sources: readonly RunSourceSummary[];
}

export interface StatusBarInput {
  readonly intensityGramsPerKWh: number | undefined;
  /** "France (FRA)", or the guess's own label. */
  readonly locationLabel: string | undefined;
  readonly intensitySource: string | undefined;
  readonly locationIsGuess: boolean;
  readonly pue: number | undefined;
  readonly runs: readonly StatusBarRun[];
}

export interface StatusBarContent {
  readonly text: string;
  /** Markdown. */
  readonly tooltip: string;
}

const ICON = '$(pulse)';

/** "0.42 g", "12.3 g", "1.23 kg": three significant digits, grams below a kilogram. */
export function formatGrams(emissionsKg: number): string {
  const grams = emissionsKg * GRAMS_PER_KG;
  if (grams >= GRAMS_PER_KG) return `${formatSignificant(emissionsKg)} kg`;
  if (grams > 0 && grams < 0.001) return '<0.001 g';
  return `${formatSignificant(grams)} g`;
}

export function formatWatts(powerWatts: number): string {
  return `${formatSignificant(powerWatts)} W`;
}

export function statusBarContent(input: StatusBarInput): StatusBarContent {
  const lines: string[] = [];
  let text: string;
  if (input.runs.length === 0) {
    text = input.intensityGramsPerKWh === undefined ? `${ICON} Carbon Meter` : `${ICON} ${formatSignificant(input.intensityGramsPerKWh)} gCO₂e/kWh`;
    lines.push('**Carbon Meter**: nothing tracked. Run **Track Task…** or **Track Terminal Commands** to measure a command.');
  } else {
    const emissionsKg = input.runs.reduce((sum, run) => sum + run.emissionsKg, 0);
    const watts = input.runs.reduce((sum, run) => sum + run.powerWatts.cpu + run.powerWatts.gpu + run.powerWatts.ram, 0);
    text = `${ICON} ${formatGrams(emissionsKg)}CO₂e · ${formatWatts(watts)}`;
    lines.push(`**Carbon Meter**: tracking ${input.runs.length === 1 ? 'one run' : `${input.runs.length} runs`}`, '');
    for (const run of input.runs) {
      const power = run.powerWatts.cpu + run.powerWatts.gpu + run.powerWatts.ram;
      lines.push(`- \`${inlineCode(run.command)}\`: ${formatGrams(run.emissionsKg)}CO₂e, ${formatWatts(power)}`);
    }
    const sources = input.runs[0]?.sources ?? [];
    if (sources.length > 0) {
      lines.push('', 'Power sources:');
      for (const source of sources) {
        lines.push(`- ${source.component.toUpperCase()}: ${source.sourceId ?? 'none'}${source.estimated ? ' (*estimated*)' : ''}`);
      }
    }
  }
  if (input.intensityGramsPerKWh !== undefined) {
    lines.push('', `Grid intensity: ${formatSignificant(input.intensityGramsPerKWh)} gCO₂e/kWh in ${input.locationLabel ?? 'an unknown place'}`
      + `${input.locationIsGuess ? ' (set `carbonMeter.country` to the real one)' : ''}`
      + `${input.pue === undefined ? '' : `, PUE ${formatSignificant(input.pue)}`}`);
    if (input.intensitySource) lines.push('', `Source: ${input.intensitySource}`);
  }
  lines.push('', 'Click to open the Carbon Meter panel.');
  return { text, tooltip: lines.join('\n') };
}

/** Backticks would end the code span early; the status bar is no place for exact quoting. */
function inlineCode(text: string): string {
  const flat = text.replace(/[`\r\n]+/g, ' ');
  return flat.length > 80 ? `${flat.slice(0, 79)}…` : flat;
}
