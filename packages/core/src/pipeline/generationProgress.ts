/**
 * The stages of a generation, in order. `render` covers compositing and encoding frame by frame;
 * `finalize` is the encoder's flush and muxing.
 *
 * @public
 */
export type GenerationStage = 'decode' | 'detect' | 'align' | 'render' | 'purge';

/** Every stage, in order. @public */
export const generationStages: readonly GenerationStage[] = ['decode', 'detect', 'align', 'render', 'purge'];

/**
 * One progress report: the stage running and how far it is, 0…1. Reports never go backwards.
 *
 * @public
 */
export interface GenerationProgress {
  readonly stage: GenerationStage;
  readonly fraction: number;
}

/**
 * Wall time per stage, in milliseconds.
 *
 * @public
 */
export type StageTimings = Readonly<Record<GenerationStage, number>>;
