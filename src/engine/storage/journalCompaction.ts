import { dirname } from 'node:path';
import { mergeRunSampleGroup } from '../series/mergeRunSamples';
import { RUN_SERIES_TIERS } from '../series/runSeries';
import { SeriesPoints, SeriesTier, TieredSeries } from '../series/tieredSeries';
import { writeFileAtomic } from './atomicWrite';
import { toJsonLine } from './jsonLines';
import type { PartialSampleLine } from './partialRun';
import type { StoreFileSystem } from './storeFileSystem';

/**
 * Sample lines appended between two compactions: an hour at the default 1 Hz. A partial file never
 * holds more than the downsampled series (about 7,800 lines after 30 days) plus these.
 */
export const JOURNAL_COMPACTION_LINES = 3_600;

/**
 * Consecutive journal lines become one: the samples merge (mergeRunSampleGroup) and the totals are
 * the newest line's, since totals are cumulative. So the last line of a compacted file still holds the run's
 * exact totals up to its last sample, which is all recovery needs.
 */
const JOURNAL_LINE_POINTS: SeriesPoints<PartialSampleLine> = {
  timestampMs: (line) => line.sample.timestampMs,
  mergeGroup: (group) => {
    const newest = group[group.length - 1] as PartialSampleLine;
    if (group.length === 1) return newest;
    return { kind: 'sample', sample: mergeRunSampleGroup(group.map((line) => line.sample)), totals: newest.totals };
  },
};

/**
 * What a run's partial file should hold, downsampled like the run's own samples: appending a line a
 * second for 30 days would leave a 1.7 GB file for recovery to read. Every `compactEveryLines` lines
 * the store rewrites the file from here, atomically (the old file or the whole new one, never a torn
 * mix), then goes on appending.
 */
export class SampleJournal {
  private readonly series: TieredSeries<PartialSampleLine>;
  /**
   * Each line's JSON, made once: a compaction writes thousands of lines, nearly all of them written
   * before (as they came, or at the last compaction), and serialising is most of its cost.
   */
  private readonly texts = new WeakMap<PartialSampleLine, string>();
  private linesSinceCompaction = 0;

  constructor(private readonly compactEveryLines = JOURNAL_COMPACTION_LINES, tiers: readonly SeriesTier[] = RUN_SERIES_TIERS) {
    this.series = new TieredSeries(tiers, JOURNAL_LINE_POINTS);
  }

  /** A line the store is about to append, and its JSON line when the store has it already. */
  add(line: PartialSampleLine, text?: string): void {
    if (text !== undefined) this.texts.set(line, text);
    this.series.add(line);
    this.linesSinceCompaction++;
  }

  /** True when the next write should rewrite the file rather than append to it. */
  get isDue(): boolean {
    return this.linesSinceCompaction >= this.compactEveryLines;
  }

  /** Lines a compacted file holds now, header excluded. */
  get length(): number {
    return this.series.length;
  }

  /**
   * The whole compacted file as of now: the header line, then one line per point of the downsampled
   * series. Call `written` once it is on disk; lines added meanwhile count towards the next compaction.
   */
  compact(headerLine: string): { readonly text: string; written(): void } {
    const text = headerLine + this.series.toArray().map((line) => this.textOf(line)).join('');
    const included = this.linesSinceCompaction;
    return { text, written: () => { this.linesSinceCompaction -= included; } };
  }

  private textOf(line: PartialSampleLine): string {
    let text = this.texts.get(line);
    if (text === undefined) {
      text = toJsonLine(line);
      this.texts.set(line, text);
    }
    return text;
  }
}

/**
 * Replaces the partial file at `path` with the journal as it is when called (synchronously: a caller
 * that counts its pending lines just before knows which of them the new file holds). Resolves to the
 * file's size in bytes, all of it whole lines. On failure the old file is left as it was.
 */
export async function rewriteJournal(fileSystem: StoreFileSystem, path: string, headerLine: string, journal: SampleJournal): Promise<number> {
  const compaction = journal.compact(headerLine);
  await fileSystem.mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, compaction.text, fileSystem);
  compaction.written();
  return Buffer.byteLength(compaction.text, 'utf8');
}
