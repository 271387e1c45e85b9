import type { PhotoCodecModules } from './sandboxedImageDecoder';

const pageSize = 65_536;

/** A cursor over a wasm binary that reads the LEB128 integers its sections are made of. */
class Reader {
  at: number;
  constructor(
    readonly bytes: Uint8Array,
    at: number,
  ) {
    this.at = at;
  }

  byte(): number {
    if (this.at >= this.bytes.byteLength) throw new RangeError('wasm binary ends early');
    return this.bytes[this.at++]!;
  }

  unsigned(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) return result;
      if (shift > 35) throw new RangeError('LEB128 value too long');
    }
  }

  signed32(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while ((b & 0x80) !== 0 && shift < 35);
    if (shift < 32 && (b & 0x40) !== 0) result |= -1 << shift;
    return result;
  }
}

function unsignedLeb(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) b |= 0x80;
    out.push(b);
  } while (value !== 0);
  return out;
}

interface Layout {
  /** Highest address the static data or the initial stack pointer reaches. */
  readonly staticEnd: number;
  /** Where the memory section's payload starts and ends, and its limits. */
  readonly memory: {
    readonly headerStart: number;
    readonly end: number;
    readonly flags: number;
    readonly max?: number;
  };
}

/**
 * Read what the module's own memory must hold before its heap: the data segments and the
 * stack (the stack pointer global starts at the top of the stack). `undefined` for any layout
 * this does not understand: an imported memory, passive data segments, a computed offset.
 */
function readLayout(wasm: Uint8Array): Layout | undefined {
  const reader = new Reader(wasm, 8);
  let staticEnd = 0;
  let memory: Layout['memory'] | undefined;
  while (reader.at < wasm.byteLength) {
    const headerStart = reader.at;
    const id = reader.byte();
    const size = reader.unsigned();
    const start = reader.at;
    const end = start + size;
    if (id === 5) {
      if (reader.unsigned() !== 1) return undefined;
      const flags = reader.unsigned();
      if ((flags & ~1) !== 0) return undefined; // shared or 64-bit memories: leave alone
      reader.unsigned();
      const max = (flags & 1) !== 0 ? reader.unsigned() : undefined;
      memory = max === undefined ? { headerStart, end, flags } : { headerStart, end, flags, max };
    } else if (id === 6) {
      const count = reader.unsigned();
      for (let i = 0; i < count; i++) {
        const type = reader.byte();
        reader.byte(); // mutability
        // Only i32 constants are understood; the stack pointer is one of them.
        if (type !== 0x7f || reader.byte() !== 0x41) return undefined;
        staticEnd = Math.max(staticEnd, reader.signed32() >>> 0);
        if (reader.byte() !== 0x0b) return undefined;
      }
    } else if (id === 11) {
      const count = reader.unsigned();
      for (let i = 0; i < count; i++) {
        if (reader.unsigned() !== 0) return undefined; // only active segments at constant offsets
        if (reader.byte() !== 0x41) return undefined;
        const offset = reader.signed32() >>> 0;
        if (reader.byte() !== 0x0b) return undefined;
        const length = reader.unsigned();
        reader.at += length;
        staticEnd = Math.max(staticEnd, offset + length);
      }
    } else if (id === 2) {
      // An imported memory is sized by whoever creates it; nothing to patch here.
      const count = reader.unsigned();
      for (let i = 0; i < count; i++) {
        // Module and field names: skip each by its length (read the length first).
        for (let name = 0; name < 2; name++) {
          const length = reader.unsigned();
          reader.at += length;
        }
        const kind = reader.byte();
        if (kind === 0x02) return undefined;
        if (kind === 0x00) reader.unsigned();
        else if (kind === 0x01) {
          reader.byte();
          const limitFlags = reader.unsigned();
          reader.unsigned();
          if ((limitFlags & 1) !== 0) reader.unsigned();
        } else if (kind === 0x03) {
          reader.byte();
          reader.byte();
        } else return undefined;
      }
    }
    reader.at = end;
  }
  return memory === undefined ? undefined : { staticEnd, memory };
}

/**
 * Rewrite an Emscripten module's own memory so that it starts just large enough for its static
 * data and stack (plus one spare page) instead of the build's `INITIAL_MEMORY` (16 MiB for the
 * jSquash decoders); the heap then grows on demand (the builds allow growth).
 *
 * Why: every photo gets a fresh instance, and after the decode its whole memory is read and
 * wiped. Reading 16 MiB that were never touched costs one page fault per 4 KiB page, which
 * dominated the decode on the development machine (~70 ms of a ~80 ms decode). With a
 * compact start, the memory is about as large as what the decode used.
 *
 * Returns a patched copy, or `wasm` itself when the layout is not one this understands (the
 * module then works as built, only slower to wipe). Never changes code or data.
 *
 * @public
 */
export function compactInitialMemory(wasm: Uint8Array): Uint8Array {
  let layout: Layout | undefined;
  try {
    layout = readLayout(wasm);
  } catch {
    return wasm;
  }
  if (layout === undefined) return wasm;
  const pages = Math.ceil(layout.staticEnd / pageSize) + 1;
  const { headerStart, end, flags, max } = layout.memory;
  if (max !== undefined && pages > max) return wasm;
  const limits = [...unsignedLeb(flags), ...unsignedLeb(pages)];
  const payload = [1, ...limits, ...(max === undefined ? [] : unsignedLeb(max))];
  const section = [5, ...unsignedLeb(payload.length), ...payload];
  const out = new Uint8Array(wasm.byteLength - (end - headerStart) + section.length);
  out.set(wasm.subarray(0, headerStart), 0);
  out.set(section, headerStart);
  out.set(wasm.subarray(end), headerStart + section.length);
  return out;
}

/**
 * Compile the mozjpeg and libwebp decoders for a `SandboxedImageDecoder`, with their initial
 * memory compacted (see `compactInitialMemory`). Call once per process or page.
 *
 * @public
 */
export async function compilePhotoCodecModules(bytes: {
  readonly jpeg: Uint8Array;
  readonly webp: Uint8Array;
}): Promise<PhotoCodecModules> {
  const [jpeg, webp] = await Promise.all([
    WebAssembly.compile(compactInitialMemory(bytes.jpeg) as Uint8Array<ArrayBuffer>),
    WebAssembly.compile(compactInitialMemory(bytes.webp) as Uint8Array<ArrayBuffer>),
  ]);
  return { jpeg, webp };
}
