/**
 * How much work the renderer spends on blending the face into the template. The face is drawn
 * over a ring around its outline (the outline pushed outward by 12 % of its distance from the
 * face's centre, more toward the top of the head); the qualities differ in how it meets the
 * template there:
 *
 * - `'draft'`: a plain feather: the face fades out linearly across the ring, colour and texture
 *   alike (so a colour difference makes a ramp as wide as the ring, and the photo's texture in the
 *   ring shows through the template's). The fastest, for slow devices and previews.
 * - `'standard'` (default): a Laplacian-pyramid blend limited to a band from 15 % inside the
 *   outline to the ring's outer edge: the face-minus-template difference is split into
 *   frequency bands (pixel detail, then 8, 16, 32 and 64 px cells over the band's bounding box),
 *   and each band gets its own mask: detail changes over the outer half of the ring only, the
 *   coarsest band over the whole band. The face's colour meets the template's over about twice
 *   the ring's width, with no ghosted texture. Costs about as much again as the face's warp at a
 *   600 px face (see the mesh block of docs/benchmarks.md).
 * - `'high'`: a gradient-domain (Poisson) seam in the same band: inside the seam line the face
 *   keeps its own gradients and is shifted by a smooth membrane (a harmonic correction, solved on
 *   an 8 px grid) that reaches the template's colour at the seam and 0 inside the band, so the
 *   face takes on the template's colour at its edge without a step; past the seam a narrow
 *   feather exchanges only texture. About the cost of `'standard'`.
 *
 * Pixels inside the band's inner edge and outside the ring are the same in all three. `'standard'`
 * and `'high'` hold more than `'draft'`: a frame-sized copy of the background under the band and
 * the band's row spans (about 3 MB each at 720×1280), all ephemeral handles wiped with the rest.
 *
 * @public
 */
export type RenderQuality = 'draft' | 'standard' | 'high';

/** Every {@link RenderQuality}, for validation. @internal */
export const renderQualities: readonly RenderQuality[] = Object.freeze(['draft', 'standard', 'high']);
