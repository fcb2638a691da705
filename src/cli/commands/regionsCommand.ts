import { IntensityData } from '../../engine/intensity/intensityTable';
import { rankRegions } from '../../engine/intensity/regionRanking';
import { findCloseMatches } from '../../engine/intensity/closeMatches';
import { RegionsArgs, UsageError } from '../args';
import { formatTable } from '../formatTable';

/** `carbon-meter regions`: cloud regions, cleanest grid first. Returns the text to print on stdout. */
export function runRegionsCommand(args: RegionsArgs, data: IntensityData): string {
  const known = [...new Set(data.cloudRegions.map((region) => region.provider))].sort();
  for (const provider of args.providers) {
    if (!known.includes(provider)) {
      const close = findCloseMatches(provider, known.map((id) => ({ keys: [id], label: id })));
      throw new UsageError(`Unknown provider "${provider}". Known providers: ${known.join(', ')}.${close.length ? ` Did you mean ${close[0]}?` : ''}`);
    }
  }
  const { ranked, excludedWithoutIntensity } = rankRegions(data.cloudRegions, {
    energyKWh: args.energyKWh,
    providers: args.providers.length > 0 ? args.providers : undefined,
  });
  const shown = args.limit ? ranked.slice(0, args.limit) : ranked;
  if (args.json) return `${JSON.stringify(shown, null, 2)}\n`;

  const withEmissions = args.energyKWh !== undefined;
  const headers = ['#', 'provider', 'region', 'country', 'gCO2e/kWh', 'PUE', ...(withEmissions ? ['kg CO2e'] : []), 'name'];
  const rows = shown.map((region, index) => [
    String(index + 1), region.provider, region.region, region.country,
    region.gridIntensityGramsPerKWh.toFixed(0), region.pue.toFixed(2),
    ...(withEmissions ? [(region.emissionsKg ?? 0).toPrecision(3)] : []),
    region.displayName,
  ]);
  const numeric = headers.map((header) => ['#', 'gCO2e/kWh', 'PUE', 'kg CO2e'].includes(header));
  const notes = [
    withEmissions ? `Emissions for ${args.energyKWh} kWh at the wall before PUE: energy × PUE × grid intensity.` : 'Add --energy-kwh N to see the emissions of a workload in each region.',
    ...(excludedWithoutIntensity.length > 0 ? [`${excludedWithoutIntensity.length} regions left out: no grid intensity is known for them.`] : []),
  ];
  return `${formatTable(headers, rows, numeric)}\n\n${notes.join('\n')}\n`;
}
