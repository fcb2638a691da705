import type { ComponentDiagnostics, PowerDiagnostics } from './powerSource';

/**
 * The text `carbon-meter doctor` prints: per component, the source in use (marked `estimated` when modelled),
 * then every source tried, why each was rejected, and how to fix it. Plain ASCII markers so it reads the same in
 * any terminal and in copied bug reports.
 */
export function formatDiagnostics(diagnostics: PowerDiagnostics): string {
  return diagnostics.components.map(formatComponent).join('\n\n') + '\n';
}

function formatComponent(component: ComponentDiagnostics): string {
  const label = component.component.toUpperCase();
  const headline = component.inUse === undefined
    ? `${label}: none (${component.description})`
    : `${label}: ${component.inUse}${component.estimated ? ' (estimated)' : ' (measured)'} - ${component.description}`;
  const lines = [headline];
  if (component.attempts.length === 0) lines.push('  no sources were tried');
  for (const attempt of component.attempts) {
    lines.push(`  [${attempt.accepted ? 'ok' : 'no'}] ${attempt.id}: ${attempt.detail}`);
    if (attempt.fix) lines.push(`       fix: ${attempt.fix}`);
  }
  return lines.join('\n');
}

/**
 * The problems the sampler reported while measuring (a source that failed, recovered or corrected a counter, a
 * clock that jumped), newest last, for the diagnostics page next to `formatDiagnostics`. Times in UTC (ISO 8601),
 * as a bug report needs them.
 */
export function formatSourceProblems(problems: readonly { readonly atMs: number; readonly message: string }[]): string {
  if (problems.length === 0) return 'Problems while measuring: none\n';
  const lines = problems.map(({ atMs, message }) => `  ${new Date(atMs).toISOString().replace(/\.\d{3}Z$/, 'Z')}  ${message}`);
  return `Problems while measuring (the last ${problems.length}):\n${lines.join('\n')}\n`;
}
