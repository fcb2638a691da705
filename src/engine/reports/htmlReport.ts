import type { EquivalentAmount } from './equivalents';
import { escapeHtml } from './escapeHtml';
import { buildReportModel, StatementPart } from './reportModel';
import type { RunRecord } from './runRecord';

/** Inline CSS is fine here: this is an exported standalone file, not the webview (whose CSP forbids it). */
const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f23; }
blockquote { margin: 1rem 0; padding: .75rem 1rem; border-left: 4px solid #2e7d32; background: #f1f8f1; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
th, td { border: 1px solid #d0d7de; padding: .3rem .6rem; text-align: left; vertical-align: top; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.estimated { font-size: .8em; padding: 0 .35em; border-radius: .3em; background: #fff4d6; color: #7a5200; }
code { background: #f3f4f6; padding: 0 .25em; border-radius: .2em; }
footer { color: #57606a; font-size: .85em; }
`;

function renderStatement(parts: readonly StatementPart[]): string {
  return parts.map((part) => (part.kind === 'code' ? `<code>${escapeHtml(part.text)}</code>` : escapeHtml(part.text))).join('');
}

function withMarker(text: string, estimated: boolean): string {
  return estimated ? `${escapeHtml(text)} <span class="estimated">estimated</span>` : escapeHtml(text);
}

/** A standalone HTML page with the same content as the Markdown report; every text from the record is escaped. */
/** `extraSectionsHtml`, already escaped by its maker, goes before the footer (the embodied share). */
export function formatHtmlReport(record: RunRecord, equivalents: readonly EquivalentAmount[], extraSectionsHtml = ''): string {
  const model = buildReportModel(record, equivalents);
  const html: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(model.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(model.title)}</h1>`,
    `<blockquote>${renderStatement(model.statement)}</blockquote>`,
    '<ul>',
    ...model.notes.map((note) => `<li>${escapeHtml(note)}</li>`),
    '</ul>',
    '<h2>Energy by component</h2>',
    '<table>',
    '<thead><tr><th>Component</th><th>Machine</th><th>of which idle</th><th>Task</th><th>Source</th></tr></thead>',
    '<tbody>',
    ...model.components.map((row) => `<tr><th>${escapeHtml(row.component)}</th><td class="number">${escapeHtml(row.machineEnergy)}</td>`
      + `<td class="number">${escapeHtml(row.idleEnergy)}</td><td class="number">${escapeHtml(row.taskEnergy)}</td>`
      + `<td>${withMarker(row.source, row.estimated)}</td></tr>`),
    '</tbody>',
    '</table>',
  ];
  for (const section of model.sections) {
    html.push(`<h2>${escapeHtml(section.title)}</h2>`, '<table>', '<tbody>');
    for (const row of section.rows) html.push(`<tr><th>${escapeHtml(row.label)}</th><td>${withMarker(row.value, row.estimated)}</td></tr>`);
    html.push('</tbody>', '</table>');
  }
  if (model.equivalents.length > 0) {
    html.push('<h2>Comparisons</h2>', '<ul>');
    for (const equivalent of model.equivalents) {
      html.push(`<li>${escapeHtml(equivalent.text)} <small>(source: ${escapeHtml(equivalent.source)})</small></li>`);
    }
    html.push('</ul>');
  }
  if (extraSectionsHtml) html.push(extraSectionsHtml);
  html.push(`<footer>Run <code>${escapeHtml(record.id)}</code>, measured with Carbon Meter.</footer>`, '</body>', '</html>', '');
  return html.join('\n');
}
