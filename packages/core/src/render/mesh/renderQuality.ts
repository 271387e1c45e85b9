/**
 * How much work the renderer spends on blending the face into the template:
 *
 * - `'draft'`: a plain feathered blend across the ring around the face; the fastest, for slow
 *   devices and previews.
 * - `'standard'` (default): meant for a Laplacian-pyramid blend along the ring, so the seam's low
 *   frequencies mix over a wide band and its detail over a narrow one.
 * - `'high'`: meant for a gradient-domain (Poisson) blend in the band across the seam, so the face
 *   takes on the template's colour at its edge without a visible step; the slowest.
 *
 * Not built yet (issue 12): today `'standard'` and `'high'` blend exactly as `'draft'` does. The
 * option is accepted and checked so that apps can choose now and get the better seam later.
 *
 * @public
 */
export type RenderQuality = 'draft' | 'standard' | 'high';

/** Every {@link RenderQuality}, for validation. @internal */
export const renderQualities: readonly RenderQuality[] = Object.freeze(['draft', 'standard', 'high']);
