import type { EquivalentAmount } from './equivalents';
import { formatDuration, formatEmissions, formatEnergy, formatPowerWatts, formatPue, formatReadableAmount, formatSignificant } from './formatQuantities';
import type { ComponentEnergyKWh, RunRecord, RunSourceSummary } from './runRecord';

/**
 * What the human reports say, as plain unescaped text. The Markdown and HTML writers only lay it out
 * and escape it, so both always state the same figures and markers.
 */
export interface ReportModel {
  readonly title: string;
  /** The impact statement; `code` parts are the command, shown as code. */
  readonly statement: readonly StatementPart[];
  /** Caveats printed under the statement: tracking scope, an interrupted or failed run. */
  readonly notes: readonly string[];
  readonly components: readonly ComponentRow[];
  readonly sections: readonly FactSection[];
  readonly equivalents: readonly EquivalentLine[];
}

export interface StatementPart {
  readonly kind: 'text' | 'code';
  readonly text: string;
}

export interface ComponentRow {
  readonly component: string;
  readonly machineEnergy: string;
  readonly idleEnergy: string;
  readonly taskEnergy: string;
  readonly source: string;
  readonly estimated: boolean;
}

export interface FactRow {
  readonly label: string;
  readonly value: string;
  readonly estimated: boolean;
}

export interface FactSection {
  readonly title: string;
  readonly rows: readonly FactRow[];
}

export interface EquivalentLine {
  readonly text: string;
  readonly source: string;
}

const COMPONENTS = ['cpu', 'gpu', 'ram'] as const;

function sourceOf(record: RunRecord, component: RunSourceSummary['component']): RunSourceSummary | undefined {
  return record.sources.find((source) => source.component === component);
}

/** "(estimated, TDP model)" after an estimated component, nothing after a measured one. */
function estimateSuffix(source: RunSourceSummary | undefined): string {
  return source?.estimated ? ` (estimated, ${source.description})` : '';
}

function hardwarePhrase(record: RunRecord): string {
  const { machine } = record;
  const cpu = `${machine.cpuModel || 'an unknown CPU'}${estimateSuffix(sourceOf(record, 'cpu'))}`;
  if (machine.gpuCount <= 0) return cpu;
  const gpus = `${machine.gpuCount} × ${machine.gpuModel || 'GPU'}`;
  return `${cpu} with ${gpus}${estimateSuffix(sourceOf(record, 'gpu'))}`;
}

function placePhrase(record: RunRecord): string {
  const { location } = record;
  if (location.cloudProvider) {
    return `${location.cloudProvider}${location.cloudRegion ? ` ${location.cloudRegion}` : ''} (${location.countryName})`;
  }
  return location.region ? `${location.region}, ${location.countryName}` : location.countryName;
}

/** "Ember 2023 via OWID": the year is added only when the source text does not already name it. */
function intensitySource(record: RunRecord): string {
  const { source, year } = record.intensity;
  return year !== undefined && !source.includes(String(year)) ? `${source}, ${year}` : source;
}

function joinAlternatives(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;
}

function equivalentText(equivalent: EquivalentAmount): string {
  return `${formatReadableAmount(equivalent.amount)} ${equivalent.label}`;
}

function total(energy: ComponentEnergyKWh): number {
  return energy.cpu + energy.gpu + energy.ram;
}

function buildStatement(record: RunRecord, equivalents: readonly EquivalentAmount[]): StatementPart[] {
  const intensity = `${formatSignificant(record.intensity.gramsPerKWh)} gCO₂e/kWh, ${intensitySource(record)}, PUE ${formatPue(record.pue)}`;
  const comparison = equivalents.length > 0 ? `, equivalent to ${joinAlternatives(equivalents.map(equivalentText))}` : '';
  return [
    { kind: 'text', text: 'Running ' },
    { kind: 'code', text: record.command },
    {
      kind: 'text',
      text: ` on ${hardwarePhrase(record)} in ${placePhrase(record)} (${intensity}) used ${formatEnergy(record.energyKWh)}`
        + ` and emitted ${formatEmissions(record.emissionsKg)}${comparison}.`,
    },
  ];
}

function buildNotes(record: RunRecord): string[] {
  const notes = [record.trackingMode === 'process'
    ? `Figures are the share attributed to the command's process tree; the whole machine used ${formatEnergy(total(record.machineEnergyKWh))} meanwhile.`
    : 'Figures cover the whole machine while the command ran.'];
  if (record.status === 'interrupted') notes.push('The run was interrupted; figures cover it up to its last recorded sample.');
  if (record.status === 'running') notes.push('The run was still going when this report was made.');
  if (record.status === 'failed') notes.push(`The command failed${record.exitCode === undefined ? '' : ` with exit code ${record.exitCode}`}.`);
  if (record.sources.some((source) => source.estimated)) notes.push('Components marked "estimated" come from a power model, not a measurement.');
  return notes;
}

function buildComponents(record: RunRecord): ComponentRow[] {
  const rows: ComponentRow[] = COMPONENTS.map((component) => {
    const source = sourceOf(record, component);
    return {
      component: component.toUpperCase(),
      machineEnergy: formatEnergy(record.machineEnergyKWh[component]),
      idleEnergy: formatEnergy(record.machineIdleEnergyKWh[component]),
      taskEnergy: formatEnergy(record.taskEnergyKWh[component]),
      source: source ? source.description : 'none',
      estimated: source?.estimated ?? false,
    };
  });
  rows.push({
    component: 'Total',
    machineEnergy: formatEnergy(total(record.machineEnergyKWh)),
    idleEnergy: formatEnergy(total(record.machineIdleEnergyKWh)),
    taskEnergy: formatEnergy(total(record.taskEnergyKWh)),
    source: '',
    estimated: false,
  });
  return rows;
}

const fact = (label: string, value: string, estimated = false): FactRow => ({ label, value, estimated });

function buildSections(record: RunRecord): FactSection[] {
  const { location, intensity, machine } = record;
  const power = record.averagePowerWatts;
  const cpuEstimated = sourceOf(record, 'cpu')?.estimated ?? false;
  return [
    {
      title: 'Run',
      rows: [
        fact('Project', record.projectName),
        fact('Experiment', record.experimentName),
        fact('Command', record.command),
        fact('Status', record.exitCode === undefined ? record.status : `${record.status} (exit code ${record.exitCode})`),
        fact('Started', new Date(record.startedAtMs).toISOString()),
        fact('Duration', formatDuration(record.durationSeconds)),
        fact('Tracking mode', record.trackingMode === 'process' ? 'process (task share)' : 'machine'),
        fact('Energy', formatEnergy(record.energyKWh)),
        fact('Emissions', formatEmissions(record.emissionsKg)),
        fact('Mean power', `CPU ${formatPowerWatts(power.cpu)}, GPU ${formatPowerWatts(power.gpu)}, RAM ${formatPowerWatts(power.ram)}`),
      ],
    },
    {
      title: 'Location and carbon intensity',
      rows: [
        fact('Location', `${placePhrase(record)} (${location.countryIso3})`),
        fact('Location from', location.basis),
        fact('Carbon intensity', `${formatSignificant(intensity.gramsPerKWh)} gCO₂e/kWh (${intensity.scope} figure)`),
        fact('Intensity source', intensitySource(record)),
        fact('PUE', formatPue(record.pue)),
      ],
    },
    {
      title: 'Machine',
      rows: [
        fact('CPU', `${machine.cpuModel} (${machine.cpuCount} logical CPUs)`, cpuEstimated),
        fact('GPU', machine.gpuCount > 0 ? `${machine.gpuCount} × ${machine.gpuModel}` : 'none', sourceOf(record, 'gpu')?.estimated ?? false),
        fact('RAM', `${formatSignificant(machine.ramTotalGiB)} GiB`, sourceOf(record, 'ram')?.estimated ?? false),
        fact('OS', machine.os),
        fact('Cloud', machine.onCloud ? 'yes' : 'no'),
      ],
    },
  ];
}

/** Everything the Markdown and HTML reports show for one run. */
export function buildReportModel(record: RunRecord, equivalents: readonly EquivalentAmount[]): ReportModel {
  return {
    title: `Carbon Meter report: ${record.projectName}`,
    statement: buildStatement(record, equivalents),
    notes: buildNotes(record),
    components: buildComponents(record),
    sections: buildSections(record),
    equivalents: equivalents.map((equivalent) => ({ text: equivalentText(equivalent), source: equivalent.source })),
  };
}
