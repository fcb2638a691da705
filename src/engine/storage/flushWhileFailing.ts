import type { Disposable, Event } from '../events';

/** What `flushWhileFailing` needs of a run store. */
export interface FlushableStore {
  readonly onDidFail: Event<unknown>;
  /** True when nothing is left pending. */
  flush(): Promise<boolean>;
}

/**
 * After a write fails, retries the store's pending writes every `intervalMs` until they are all on disk.
 * Without it a record held in memory would wait for the next run's first write, and be lost if the
 * window closed first. The timer is unref'd: it never keeps a process alive by itself.
 */
export function flushWhileFailing(store: FlushableStore, options: { intervalMs: number; onDidRecover?: () => void }): Disposable {
  let timer: NodeJS.Timeout | undefined;
  let flushing = false;
  const stop = (): void => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const retry = async (): Promise<void> => {
    if (flushing) return;
    flushing = true;
    try {
      if (await store.flush()) {
        stop();
        options.onDidRecover?.();
      }
    } catch {
      // flush() does not reject; if it ever did, the next tick tries again.
    } finally {
      flushing = false;
    }
  };
  const subscription = store.onDidFail(() => {
    if (timer) return;
    timer = setInterval(() => void retry(), options.intervalMs);
    timer.unref();
  });
  return {
    dispose: () => {
      stop();
      subscription.dispose();
    },
  };
}
