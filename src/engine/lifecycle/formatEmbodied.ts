import { escapeHtml } from '../reports/escapeHtml';
import { formatEmissions, formatSignificant } from '../reports/formatQuantities';
import { escapeMarkdown } from '../reports/markdownReport';
import { HOURS_PER_YEAR } from './sciEmbodied';
import type { EmbodiedItem, RunEmbodied } from './runEmbodied';

function percent(share: number): string {
  return `${formatSignificant(share * 100)} %`;
}

/** "1.5 h", "4 years": a lifetime reads better in years, a run in hours. */
function hours(value: number): string {
  return value >= HOURS_PER_YEAR ? `${formatSignificant(value / HOURS_PER_YEAR)} years` : `${formatSignificant(value)} h`;
}

/** Plain-text lines: each device's M with TE, TR, EL, RR and the source of each, then the totals. */
export function formatRunEmbodiedText(embodied: RunEmbodied): string[] {
  const lines: string[] = [];
  for (const item of embodied.items) {
    lines.push(
      `${item.component === 'host' ? 'Device' : 'GPUs'}  ${item.label}: ${formatEmissions(item.embodiedKg)}`,
      `  TE ${formatSignificant(item.totalEmbodiedKg.value)} kg CO₂e: ${item.totalEmbodiedKg.source}`,
      `  TR ${hours(item.reservedHours.value)}: ${item.reservedHours.source}`,
      `  EL ${hours(item.expectedLifetimeHours.value)}: ${item.expectedLifetimeHours.source}`,
      `  RR ${percent(item.reservedShare.value)}: ${item.reservedShare.source}`,
    );
  }
  lines.push(
    `Embodied     ${formatEmissions(embodied.embodiedKg)} (M = TE × TR/EL × RR)`,
    `Operational  ${formatEmissions(embodied.operationalKg)}`,
    `Total        ${formatEmissions(embodied.totalKg)}${embodied.totalKg > 0 ? ` (embodied ${percent(embodied.embodiedKg / embodied.totalKg)})` : ''}`,
  );
  return lines;
}

/** A Markdown section for a run report: the embodied share beside the operational CO₂e, with sources. */
export function formatRunEmbodiedMarkdown(embodied: RunEmbodied): string {
  const lines = [
    '## Embodied emissions (SCI: M = TE × TR/EL × RR)', '',
    `Operational ${escapeMarkdown(formatEmissions(embodied.operationalKg))} + embodied ${escapeMarkdown(formatEmissions(embodied.embodiedKg))} = ${escapeMarkdown(formatEmissions(embodied.totalKg))}.`, '',
    '| Device | M | TE | TR | EL | RR |', '| --- | ---: | --- | --- | --- | --- |',
  ];
  for (const item of embodied.items) {
    lines.push(`| ${[
      escapeMarkdown(item.label), escapeMarkdown(formatEmissions(item.embodiedKg)),
      escapeMarkdown(`${formatSignificant(item.totalEmbodiedKg.value)} kg: ${item.totalEmbodiedKg.source}`),
      escapeMarkdown(`${hours(item.reservedHours.value)}: ${item.reservedHours.source}`),
      escapeMarkdown(`${hours(item.expectedLifetimeHours.value)}: ${item.expectedLifetimeHours.source}`),
      escapeMarkdown(`${percent(item.reservedShare.value)}: ${item.reservedShare.source}`),
    ].join(' | ')} |`);
  }
  lines.push('');
  return lines.join('\n');
}

/** One device's M as a single line: each figure with its source, for the panel and the HTML report. */
export function formatEmbodiedMethod(item: EmbodiedItem): string {
  return [
    `TE ${formatSignificant(item.totalEmbodiedKg.value)} kg CO₂e (${item.totalEmbodiedKg.source})`,
    `× TR ${hours(item.reservedHours.value)} (${item.reservedHours.source})`,
    `÷ EL ${hours(item.expectedLifetimeHours.value)} (${item.expectedLifetimeHours.source})`,
    `× RR ${percent(item.reservedShare.value)} (${item.reservedShare.source})`,
  ].join(' ');
}

/** The embodied section of the HTML report; every text escaped (device names come from the machine). */
export function formatRunEmbodiedHtml(embodied: RunEmbodied): string {
  return [
    '<h2>Embodied emissions (SCI: M = TE × TR/EL × RR)</h2>',
    `<p>${escapeHtml(`Operational ${formatEmissions(embodied.operationalKg)} + embodied ${formatEmissions(embodied.embodiedKg)} = ${formatEmissions(embodied.totalKg)}.`)}</p>`,
    '<table>', '<thead><tr><th>Device</th><th>M</th><th>How</th></tr></thead>', '<tbody>',
    ...embodied.items.map((item) => `<tr><th>${escapeHtml(item.label)}</th><td class="number">${escapeHtml(formatEmissions(item.embodiedKg))}</td><td>${escapeHtml(formatEmbodiedMethod(item))}</td></tr>`),
    '</tbody>', '</table>',
  ].join('\n');
}
