import sharp from 'sharp';

/** One row of a contact sheet: a label's frames, RGBA at `width × height`. */
export interface SheetRow {
  readonly frames: readonly Uint8Array[];
  readonly width: number;
  readonly height: number;
}

/**
 * A PNG of thumbnails, one row per renderer, frames left to right, with the user's photo (its
 * face crop) leading every row: the before-and-after still for a case.
 *
 * @param photo - the photo's face crop, RGBA
 */
export async function contactSheet(
  photo: { readonly rgba: Uint8Array; readonly width: number; readonly height: number },
  rows: readonly SheetRow[],
  thumbWidth = 160,
): Promise<Buffer> {
  const gap = 6;
  const thumb = (rgba: Uint8Array, width: number, height: number) =>
    sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width, height, channels: 4 } })
      .resize({ width: thumbWidth })
      .png()
      .toBuffer({ resolveWithObject: true });
  const lead = await thumb(photo.rgba, photo.width, photo.height);
  const composites: { input: Buffer; left: number; top: number }[] = [];
  let top = 0;
  let widest = 0;
  for (const row of rows) {
    const thumbs = await Promise.all(row.frames.map((frame) => thumb(frame, row.width, row.height)));
    const rowHeight = Math.max(lead.info.height, ...thumbs.map((t) => t.info.height));
    composites.push({ input: lead.data, left: 0, top });
    thumbs.forEach((t, i) => composites.push({ input: t.data, left: (i + 1) * (thumbWidth + gap), top }));
    widest = Math.max(widest, (thumbs.length + 1) * (thumbWidth + gap) - gap);
    top += rowHeight + gap;
  }
  return sharp({ create: { width: Math.max(1, widest), height: Math.max(1, top - gap), channels: 4, background: '#ffffff' } })
    .composite(composites)
    // A 256-colour palette: a contact sheet is for looking at, and it keeps docs/ small.
    .png({ palette: true })
    .toBuffer();
}
