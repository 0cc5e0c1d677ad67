import type { SharedFeatureState } from '../feature.ts';
import { AddressRiskBook } from './addressRiskBook.ts';
import { TransferGraph, type TransferGraphOptions } from './transferGraph.ts';
import type { MarketInput } from '../feature.ts';

/**
 * What the address features share across keys: the risk book (lists and labels) and the bounded
 * transfer graph. Every address feature ingests its input here first; a transfer delivered to
 * both its addresses, or to several features, is applied once.
 */
export class AmlContext implements SharedFeatureState {
  readonly book: AddressRiskBook;
  readonly graph: TransferGraph;

  constructor(book = new AddressRiskBook(), graph: TransferGraphOptions = {}) {
    this.book = book;
    this.graph = new TransferGraph(book, graph);
  }

  ingest({ event }: MarketInput): void {
    if (event.type === 'transfer') this.graph.addTransfer(event.eventId, event.from, event.to);
    else if (event.type === 'label') this.book.applyLabel(event);
  }

  /** Forgets the stream's graph and event labels; the loaded lists stay. */
  reset(): void {
    this.graph.reset();
    this.book.resetLabels();
  }

  /** What the stream built (graph and event labels), for a checkpoint; the lists are not in it. */
  toJSON(): { graph: [string, string[]][]; labels: [string, number][] } {
    return { graph: this.graph.toJSON(), labels: this.book.labelsJSON() };
  }

  /** Replaces the graph and event labels with a `toJSON()` of them (checkpoint restore). */
  restoreState(json: unknown): void {
    const j = json as { graph?: unknown; labels?: unknown };
    this.graph.load(j.graph ?? []);
    this.book.restoreLabels(j.labels ?? []);
  }
}
