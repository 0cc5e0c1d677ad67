import { stat } from 'node:fs/promises';
import { ConfigError } from '../core/errors.ts';
import { AddressRiskBook, loadRiskLists, riskListSourcesIn, watchRiskLists } from '../features/index.ts';
import type { AmlConfig } from '../schemas/config.ts';

/** The risk lists of a runtime, loaded into one book that every pipeline (or partition task) reads. */
export interface RiskListHandle {
  /** The loaded lists; pipelines take `book.derive()` (their own event labels) or the book itself. */
  readonly book: AddressRiskBook;
  /** The folder they came from; undefined when none is configured (no lists). */
  readonly dir: string | undefined;
  /** Stops the refresh timer, when there is one. */
  stop(): void;
}

/**
 * Loads the lists `aml.dir` names (the ../shared/aml layout) before a runtime starts: a missing
 * folder, a missing or unreadable file or lists without a single address are a ConfigError naming
 * the field, never a silent empty list. With `watch` and `aml.refreshMs` > 0 the files'
 * modification times are checked every refreshMs and changed lists swapped in at once; a failed
 * reload keeps the previous lists and goes to `onError`. No `aml.dir`: an empty book.
 */
export async function openRiskLists(
  aml: AmlConfig,
  { watch = false, onError = () => {} }: { watch?: boolean; onError?: (e: unknown) => void } = {},
): Promise<RiskListHandle> {
  const book = new AddressRiskBook();
  const dir = aml.dir;
  if (dir === undefined) return { book, dir, stop: () => {} };
  const fail = (why: string, cause?: unknown): never => {
    throw new ConfigError(
      `aml.dir '${dir}': ${why}. It must be a folder laid out as ../shared/aml (ofac/, forta/, etherscan/); leave aml.dir out for no lists`,
      { cause },
    );
  };
  const st = await stat(dir).catch((err: unknown) => fail((err as Error).message, err));
  if (!st.isDirectory()) fail('not a directory');
  const src = riskListSourcesIn(dir);
  const check = () => {
    if (book.listedCount === 0) fail('the lists hold no address');
  };
  if (watch && aml.refreshMs > 0) {
    const w = watchRiskLists(src, book, { intervalMs: aml.refreshMs, onError });
    try {
      await w.refresh();
      check();
    } catch (err) {
      w.stop();
      if (err instanceof ConfigError) throw err;
      fail((err as Error).message, err);
    }
    return { book, dir, stop: () => w.stop() };
  }
  try {
    book.replace((await loadRiskLists(src)).lists);
  } catch (err) {
    fail((err as Error).message, err);
  }
  check();
  return { book, dir, stop: () => {} };
}
