import { builtInTemplates, defaultTemplateId } from '@vopop/core';
import type { CliCommand } from './cliIo';
import { quoteArgument } from './quoteArgument';

const usage = [
  'Usage: vopop templates [--json]',
  '',
  'Lists the built-in templates: id, title, frame size, fps, duration and licence.',
  '  --json   print one JSON object { "templates": [...] } instead of a table (with each',
  '           template\'s cutout: "face" or "head")',
  '',
].join('\n');

/**
 * One template, as `vopop templates --json` prints it.
 *
 * @public
 */
export interface TemplateListing {
  readonly id: string;
  readonly title: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frameCount: number;
  readonly durationSeconds: number;
  readonly licence: string;
  /** What is cut out of the photo: the face oval, or the whole head with hair (segmentation). */
  readonly cutout: 'face' | 'head';
  /** True for the template used when none is chosen. */
  readonly isDefault: boolean;
}

/** The built-ins as listings, in their registered order. */
function templateListings(): TemplateListing[] {
  return builtInTemplates.map((t) => ({
    id: t.id,
    title: t.title,
    width: t.width,
    height: t.height,
    fps: t.fps,
    frameCount: t.frameCount,
    durationSeconds: Math.round((t.frameCount / t.fps) * 1000) / 1000,
    licence: t.licence,
    cutout: t.cutout ?? 'face',
    isDefault: t.id === defaultTemplateId,
  }));
}

function textTable(listings: readonly TemplateListing[]): string {
  const header = ['ID', 'TITLE', 'SIZE', 'FPS', 'DURATION', 'LICENCE'];
  const rows = listings.map((l) => [
    l.isDefault ? `${l.id} *` : l.id,
    l.title,
    `${l.width}x${l.height}`,
    String(l.fps),
    `${l.durationSeconds.toFixed(1)} s`,
    l.licence,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line), '', '* default template', ''].join('\n');
}

/**
 * `vopop templates [--json]`: list the built-in templates. Exit 0, or 2 for unknown arguments.
 *
 * @public
 */
export const templatesCommand: CliCommand = async (args, io) => {
  let json = false;
  for (const arg of args) {
    if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') {
      io.stdout(usage);
      return 0;
    } else {
      io.stderr(`vopop templates: unknown argument ${quoteArgument(arg)}\n\n${usage}`);
      return 2;
    }
  }
  const listings = templateListings();
  io.stdout(json ? `${JSON.stringify({ templates: listings })}\n` : textTable(listings));
  return 0;
};
