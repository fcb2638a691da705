import { Disposable, Emitter, Event } from './events';
import { buildRunRecord, RunHeader } from './buildRunRecord';
import type { RunRecord, RunSample, RunStatus } from './reports/runRecord';
import { Sampler, SamplerTotals, SourceFailure } from './sampler';
import { createRunSampleSeries } from './series/runSeries';

/** Where a session writes as it goes: samples as they come, the record at the end. */
export interface RunSink {
  begin(header: RunHeader): Promise<void>;
  /** Must not throw: a sink that cannot write keeps the sample and says so through its own channel. */
  append(runId: string, sample: RunSample, totals: SamplerTotals): void;
  finish(record: RunRecord): Promise<void>;
}

export interface RunSessionOptions {
  readonly header: RunHeader;
  readonly sampler: Sampler;
  readonly sink: RunSink;
  /** The kernel's total CPU ticks of the tracked tree when the run ends, if the caller can know it. */
  readonly readFinalTaskCpuTicks?: () => Promise<number | undefined>;
  readonly ticksPerSecond: number;
  readonly wallClockMs?: () => number;
  /** Released with the session however it ends (the tree tracker's open /proc descriptors). */
  readonly resources?: readonly Disposable[];
}

/**
 * One run being measured: a sampler feeding a sink, closed into a RunRecord by `finish`. Its samples
 * are kept downsampled (full rate for the last hour, aggregates before: RUN_SERIES_TIERS), so a run
 * of days holds a few thousand of them, and its totals come from the sampler, exact.
 */
export class RunSession implements Disposable {
  private readonly series = createRunSampleSeries();
  private readonly sampleEmitter = new Emitter<RunSample>();
  readonly onDidSample: Event<RunSample> = this.sampleEmitter.event;
  readonly onDidFailSource: Event<SourceFailure>;
  private finished: Promise<RunRecord> | undefined;
  private readonly subscriptions: Disposable[] = [];

  constructor(private readonly options: RunSessionOptions) {
    this.onDidFailSource = options.sampler.onDidFailSource;
    this.subscriptions.push(options.sampler.onDidSample((sample) => {
      this.series.add(sample);
      options.sink.append(options.header.id, sample, options.sampler.totals);
      this.sampleEmitter.fire(sample);
    }));
  }

  get header(): RunHeader {
    return this.options.header;
  }

  get totals(): SamplerTotals {
    return this.options.sampler.totals;
  }

  /** The samples so far, oldest first: recent ones as measured, older ones merged (a new array each call). */
  get samples(): readonly RunSample[] {
    return this.series.toArray();
  }

  /** How many samples `samples` would hold now, without building it. */
  get sampleCount(): number {
    return this.series.length;
  }

  /** Writes the header, primes the sources and starts sampling. */
  static async start(options: RunSessionOptions): Promise<RunSession> {
    const session = new RunSession(options);
    try {
      await options.sink.begin(options.header);
      await options.sampler.start();
    } catch (error) {
      // Nothing will call finish(): release the sampler and the tree tracker's descriptors now.
      session.dispose();
      throw error;
    }
    return session;
  }

  /** Takes the last interval, builds the record and stores it. Calling it twice returns the same record. */
  finish(ending: { readonly exitCode: number | undefined; readonly status: RunStatus }): Promise<RunRecord> {
    this.finished ??= this.close(ending);
    return this.finished;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.options.sampler.dispose();
    for (const resource of this.options.resources ?? []) resource.dispose();
    this.sampleEmitter.dispose();
  }

  private async close(ending: { readonly exitCode: number | undefined; readonly status: RunStatus }): Promise<RunRecord> {
    const finalTicks = await this.options.readFinalTaskCpuTicks?.();
    const totals = await this.options.sampler.stop(finalTicks);
    const record = buildRunRecord(this.options.header, {
      ...ending,
      endedAtMs: (this.options.wallClockMs ?? Date.now)(),
      totals,
      samples: this.series.toArray(),
      ticksPerSecond: this.options.ticksPerSecond,
    });
    await this.options.sink.finish(record);
    this.dispose();
    return record;
  }
}
