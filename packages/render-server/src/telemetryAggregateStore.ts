import type { TelemetryReport } from '@vopop/core';
import { telemetryReportSchema } from '@vopop/core';
import sqlite from 'node-sqlite3-wasm';

/**
 * One aggregate cell: a day, what is counted (`kind` and `key` from the report's closed
 * vocabulary), the sums, and how many reports contributed.
 *
 * @public
 */
export interface TelemetryCell {
  readonly day: string;
  readonly kind: 'outcome' | 'stage' | 'photo-size' | 'feature' | 'client';
  readonly key: string;
  /** Sum of counts (for `feature`: yes + no). */
  readonly count: number;
  /** For `feature`: the randomized yes and no answers (debias with `estimateTrueRate`). */
  readonly yes: number;
  readonly no: number;
  /** How many reports contributed: never under k in the file or in any answer. */
  readonly reports: number;
}

/** Most cells held under k at once (the vocabulary has about 60 per day). */
const maxPendingCells = 100_000;

type Sums = { count: number; yes: number; no: number; reports: number };

/** The cells one report contributes to, each once. */
function cellsOf(report: TelemetryReport): [TelemetryCell['kind'], string, Omit<Sums, 'reports'>][] {
  const counted = (count: number) => ({ count, yes: 0, no: 0 });
  const cells: [TelemetryCell['kind'], string, Omit<Sums, 'reports'>][] = [
    ['client', `${report.platform} ${report.platformVersion} sdk ${report.sdkVersion}`, counted(1)],
  ];
  for (const c of report.outcomes) cells.push(['outcome', c.outcome, counted(c.count)]);
  for (const c of report.stageDurations) cells.push(['stage', `${c.stage} ${c.duration}`, counted(c.count)]);
  for (const c of report.photoSizes) cells.push(['photo-size', c.sizeClass, counted(c.count)]);
  for (const c of report.features) {
    cells.push(['feature', `${c.feature} p=${c.truthProbability}`, { count: c.yes + c.no, yes: c.yes, no: c.no }]);
  }
  return cells;
}

/**
 * Telemetry aggregates in an embedded SQLite file (WebAssembly SQLite writing a real database
 * file; no native addon), with a k-threshold: a cell that fewer than `k` reports contributed to
 * is held in memory only and never written, and never answered. It reaches the file, as one sum,
 * once its k-th report arrives; a cell that never gets there is dropped when the process ends.
 * Reports are validated against the SDK's strict report schema first.
 *
 * @public
 */
export class TelemetryAggregateStore {
  readonly k: number;
  private readonly db: InstanceType<typeof sqlite.Database>;
  /** Cells under k: counted here, never stored. */
  private readonly pending = new Map<string, Sums>();

  constructor(options: { readonly file: string; readonly k?: number }) {
    this.k = options.k ?? 50;
    if (!Number.isInteger(this.k) || this.k < 2) throw new RangeError('k must be a whole number of at least 2');
    this.db = new sqlite.Database(options.file);
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS telemetry_cells (day TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, ' +
        'count INTEGER NOT NULL, yes INTEGER NOT NULL, no INTEGER NOT NULL, reports INTEGER NOT NULL, ' +
        `PRIMARY KEY (day, kind, key), CHECK (reports >= ${this.k}))`,
    );
  }

  /**
   * Add one report. Returns `false` (and counts nothing) for anything that is not a valid
   * report. Each report is applied in one transaction.
   */
  ingest(report: unknown): boolean {
    const parsed = telemetryReportSchema.safeParse(report);
    if (!parsed.success) return false;
    const { day } = parsed.data;
    this.db.exec('BEGIN');
    try {
      for (const [kind, key, sums] of cellsOf(parsed.data)) {
        const id = JSON.stringify([day, kind, key]);
        const stored = this.db.get('SELECT 1 AS found FROM telemetry_cells WHERE day = ? AND kind = ? AND key = ?', [day, kind, key]);
        if (stored) {
          this.db.run(
            'UPDATE telemetry_cells SET count = count + ?, yes = yes + ?, no = no + ?, reports = reports + 1 WHERE day = ? AND kind = ? AND key = ?',
            [sums.count, sums.yes, sums.no, day, kind, key],
          );
          continue;
        }
        const held = this.pending.get(id) ?? { count: 0, yes: 0, no: 0, reports: 0 };
        const next = { count: held.count + sums.count, yes: held.yes + sums.yes, no: held.no + sums.no, reports: held.reports + 1 };
        if (next.reports < this.k) {
          // Reports name their own day, so the cells held back are bounded by a cap rather than by
          // the calendar: past it, everything under k is dropped, which only ever loses rare cells.
          if (this.pending.size >= maxPendingCells) this.pending.clear();
          this.pending.set(id, next);
          continue;
        }
        this.db.run('INSERT INTO telemetry_cells (day, kind, key, count, yes, no, reports) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          day, kind, key, next.count, next.yes, next.no, next.reports,
        ]);
        this.pending.delete(id);
      }
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
    return true;
  }

  /** The stored cells (all at or above k), optionally for one day, in a stable order. */
  cells(day?: string): TelemetryCell[] {
    const rows = this.db.all(
      'SELECT day, kind, key, count, yes, no, reports FROM telemetry_cells WHERE reports >= ? AND (? IS NULL OR day = ?) ORDER BY day, kind, key',
      [this.k, day ?? null, day ?? null],
    );
    return rows as unknown as TelemetryCell[];
  }

  /** Close the file; cells still under k are dropped with the process's memory. */
  close(): void {
    this.pending.clear();
    this.db.close();
  }
}
