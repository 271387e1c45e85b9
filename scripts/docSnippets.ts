/**
 * The code blocks of README.md and docs/*.md, extracted and checked so that a snippet cannot rot
 * (docSnippets.test.ts runs the checks; scripts/packedInstall.sh runs one block for real):
 *
 * - `ts`, `js`, `mjs`: type-checked by tsc against the workspace packages' sources, each block
 *   as its own module (JavaScript with `checkJs`), with the repository's strict options. A
 *   fragment that uses names from the prose (`signal`, `image`, …) declares them in an HTML
 *   comment just before the block, invisible on GitHub and in the TypeDoc site:
 *   `<!-- snippet-context: declare const signal: AbortSignal; -->`.
 * - `sh`: parsed by `bash -n`; each `pnpm <script>` must be a root script (or a package's, with
 *   `--filter`), each `vopop <command>` a command of the CLI, each `node`/`tsx` file and `cd`
 *   folder must exist, each `npx` tool must be installed.
 * - `json`: parsed, unless it contains `…` (an excerpt).
 * - `dockerfile`, `yaml`: configuration shown, not run here; checked lightly (each Dockerfile line
 *   starts with an instruction; YAML is indented with spaces, never tabs).
 * - no language: prose (a diagram, a formula, a message); it must not start with a command.
 *
 * `npx tsx scripts/docSnippets.ts extract <marker> <file.md>` prints the one block marked
 * `<!-- snippet: <marker> -->`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** One fenced code block of a Markdown file. */
export interface Snippet {
  /** Repository-relative file and 1-based line of the opening fence, e.g. `docs/web.md:39`. */
  readonly at: string;
  /** The fence's language tag (`''` when none). */
  readonly language: string;
  readonly code: string;
  /** Declarations from a `snippet-context` comment right before the block. */
  readonly context: string;
  /** The marker of a `<!-- snippet: name -->` comment right before the block, if any. */
  readonly marker: string | undefined;
}

/** README.md and every docs/*.md (the generated API site excluded). */
export function documentedFiles(): string[] {
  const docs = readdirSync(join(repoRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

const fence = /^(\s*)```([\w-]*)\s*$/;
const contextComment = /^<!--\s*snippet-context:\s*([\s\S]*?)\s*-->\s*$/;
const markerComment = /^<!--\s*snippet:\s*([\w-]+)\s*-->\s*$/;

/** The fenced blocks of one Markdown file, in order. */
export function snippetsOf(file: string): Snippet[] {
  const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = fence.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() !== '```') body.push(lines[j++]!.slice(indent.length));
    if (j === lines.length) throw new Error(`${file}:${i + 1}: a code block is never closed`);
    let context = '';
    let marker: string | undefined;
    for (let k = i - 1; k >= 0 && lines[k]!.startsWith('<!--'); k--) {
      context = contextComment.exec(lines[k]!)?.[1] ?? context;
      marker = markerComment.exec(lines[k]!)?.[1] ?? marker;
    }
    snippets.push({ at: `${file}:${i + 1}`, language: open[2]!, code: `${body.join('\n')}\n`, context, marker });
    i = j;
  }
  return snippets;
}

/** Every block of every documented file. */
export function allSnippets(): Snippet[] {
  return documentedFiles().flatMap(snippetsOf);
}

/** The one block marked `<!-- snippet: marker -->` in `file`. */
export function markedSnippet(file: string, marker: string): Snippet {
  const found = snippetsOf(file).filter((snippet) => snippet.marker === marker);
  if (found.length !== 1) throw new Error(`${file}: expected one block marked "snippet: ${marker}", found ${found.length}`);
  return found[0]!;
}

// ——— TypeScript and JavaScript ———

/** Where the checked modules are written: an ignored folder inside the repo, so `node_modules` resolves. */
const scratchDir = join(repoRoot, 'test-output', 'doc-snippets');

/** The published entry points, mapped to their sources (as the workspace's source condition does). */
function packagePaths(): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const name of ['core', 'models', 'node-adapter', 'rn-adapter', 'web-adapter']) {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'packages', name, 'package.json'), 'utf8')) as {
      exports: Record<string, string | Record<string, unknown>>;
    };
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      const source = typeof target === 'object' ? target['@vopop/source'] : undefined;
      if (typeof source !== 'string') continue;
      paths[`@vopop/${name}${subpath.slice(1)}`] = [join(repoRoot, 'packages', name, source)];
    }
  }
  return paths;
}

/**
 * Diagnostics that a fragment may raise by being a fragment: `return` at the top level (a
 * snippet that shows the end of a function body). Anything else is a real error.
 */
const fragmentDiagnostics = new Set([1108]);

export const typeCheckedLanguages = new Set(['ts', 'js', 'mjs']);

/** Type-check the given blocks; returns one line per error, `''`-free, with the block's place. */
export function typeCheck(snippets: readonly Snippet[]): string[] {
  rmSync(scratchDir, { recursive: true, force: true });
  mkdirSync(scratchDir, { recursive: true });
  const files = new Map<string, Snippet>();
  snippets.forEach((snippet, index) => {
    const extension = snippet.language === 'ts' ? 'ts' : 'mjs';
    const file = join(scratchDir, `snippet${index}.${extension}`);
    // The context comes first, on one line, so that the snippet's own lines keep their offset.
    const text = `${snippet.context}\n${snippet.code}export {};\n`;
    writeFileSync(file, text);
    files.set(file, snippet);
  });
  const base = ts.parseJsonConfigFileContent(
    JSON.parse(readFileSync(join(repoRoot, 'tsconfig.base.json'), 'utf8')) as object,
    ts.sys,
    repoRoot,
  ).options;
  const options: ts.CompilerOptions = {
    ...base,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    allowJs: true,
    checkJs: true,
    types: ['node'],
    paths: packagePaths(),
  };
  const program = ts.createProgram([...files.keys()], options);
  const problems: string[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    if (fragmentDiagnostics.has(diagnostic.code)) continue;
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const snippet = diagnostic.file ? files.get(resolve(diagnostic.file.fileName)) : undefined;
    if (!snippet || !diagnostic.file || diagnostic.start === undefined) {
      const where = diagnostic.file ? relative(repoRoot, diagnostic.file.fileName) : 'tsc';
      problems.push(`${where}: TS${diagnostic.code} ${message}`);
      continue;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const [file, fenceLine] = snippet.at.split(':');
    const where = line === 0 ? `${snippet.at} (snippet-context)` : `${file}:${Number(fenceLine) + line}`;
    problems.push(`${where}: TS${diagnostic.code} ${message}`);
  }
  return problems;
}

// ——— Shell ———

interface Manifest {
  readonly name?: string;
  readonly scripts?: Record<string, string>;
}

function readManifest(path: string): Manifest {
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

/** Script names of every workspace package, by package name. */
function workspaceScripts(): Map<string, Set<string>> {
  const scripts = new Map<string, Set<string>>();
  for (const folder of ['packages', 'examples']) {
    for (const name of readdirSync(join(repoRoot, folder))) {
      const path = join(repoRoot, folder, name, 'package.json');
      if (!existsSync(path)) continue;
      const manifest = readManifest(path);
      if (manifest.name) scripts.set(manifest.name, new Set(Object.keys(manifest.scripts ?? {})));
    }
  }
  return scripts;
}

/** The `vopop` subcommands, read from the CLI's dispatch table. */
function cliCommands(): Set<string> {
  const main = readFileSync(join(repoRoot, 'packages/cli/src/main.ts'), 'utf8');
  const table = /const commands[^=]*=\s*\{([\s\S]*?)\};/.exec(main)?.[1] ?? '';
  return new Set([...table.matchAll(/^\s*'?([\w-]+)'?\s*:/gm)].map((match) => match[1]!));
}

/** pnpm's own commands that a doc may name. */
const pnpmBuiltins = new Set(['install', 'add', 'exec', 'dlx', 'pack', 'publish', 'run']);

/** The simple commands of a shell line: split on `&&`, `||`, `;` and `|`, comments dropped. */
function commandsOf(code: string): string[][] {
  const joined = code.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, ''))
    .flatMap((line) => line.split(/&&|\|\||;|\|/))
    .map((command) => (command.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((word) => word.replace(/^['"]|['"]$/g, '')))
    .map((words) => {
      let start = 0;
      while (start < words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[start]!)) start++; // VAR=value prefixes
      return words.slice(start);
    })
    .filter((words) => words.length > 0);
}

/** Problems with one `sh` block: a syntax error, or a command, script or file that does not exist. */
export function checkShell(snippet: Snippet): string[] {
  const problems: string[] = [];
  try {
    execFileSync('bash', ['-n'], { input: snippet.code, stdio: ['pipe', 'ignore', 'pipe'] });
  } catch (error) {
    problems.push(`${snippet.at}: bash -n: ${String((error as { stderr?: unknown }).stderr ?? error).trim()}`);
  }
  const rootScripts = new Set(Object.keys(readManifest(join(repoRoot, 'package.json')).scripts ?? {}));
  const packages = workspaceScripts();
  const commands = cliCommands();
  let cwd = repoRoot;
  for (const words of commandsOf(snippet.code)) {
    const [tool, ...args] = words;
    const problem = (text: string) => problems.push(`${snippet.at}: \`${words.join(' ')}\`: ${text}`);
    if (tool === 'cd') {
      cwd = resolve(cwd, args[0] ?? '');
      if (!existsSync(cwd)) problem(`no folder ${relative(repoRoot, cwd)}`);
    } else if (tool === 'pnpm') {
      const filterAt = args.indexOf('--filter');
      const filtered = filterAt >= 0 ? args[filterAt + 1] : undefined;
      const rest = filterAt >= 0 ? [...args.slice(0, filterAt), ...args.slice(filterAt + 2)] : args;
      const script = rest[0] === 'run' ? rest[1] : rest[0];
      if (script === undefined) continue;
      if (filtered !== undefined) {
        if (!packages.get(filtered)?.has(script)) problem(`${filtered} has no script "${script}"`);
      } else if (!rootScripts.has(script) && !(rest[0] !== 'run' && pnpmBuiltins.has(script))) {
        problem(`no script "${script}" in package.json`);
      }
    } else if (tool === 'vopop' || (tool === 'npx' && args[0] === 'vopop')) {
      const command = tool === 'vopop' ? args[0] : args[1];
      if (command === undefined || !commands.has(command)) problem(`vopop has no command "${command}"`);
    } else if (tool === 'npx') {
      const bin = args[0]!;
      if (!existsSync(join(repoRoot, 'node_modules', '.bin', bin)) && !existsSync(join(cwd, 'node_modules', '.bin', bin))) {
        problem(`${bin} is not installed`);
      }
      if (bin === 'tsx' && args[1] && !existsSync(resolve(cwd, args[1]))) problem(`no file ${args[1]}`);
    } else if (tool === 'node') {
      const file = args.find((arg) => !arg.startsWith('-'));
      if (file && !existsSync(resolve(cwd, file))) problem(`no file ${file}`);
    }
  }
  return problems;
}

// ——— Dockerfile ———

const dockerInstructions = new Set([
  'FROM', 'RUN', 'CMD', 'LABEL', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER',
  'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
]);

/** Each logical line of a Dockerfile block starts with an instruction (comments and continuations aside). */
function checkDockerfile(snippet: Snippet): string[] {
  const problems: string[] = [];
  let continued = false;
  snippet.code.split('\n').forEach((line, index) => {
    const text = line.trim();
    const isContinuation = continued;
    continued = text.endsWith('\\');
    if (isContinuation || text === '' || text.startsWith('#')) return;
    const word = text.split(/\s+/)[0]!;
    if (!dockerInstructions.has(word.toUpperCase())) {
      const [file, fenceLine] = snippet.at.split(':');
      problems.push(`${file}:${Number(fenceLine) + index + 1}: "${word}" is not a Dockerfile instruction`);
    }
  });
  return problems;
}

// ——— Everything ———

/** A block without a language that starts like a command should say `sh`. */
const commandStart = /^\s*(\$\s*)?(pnpm|npm|npx|node|cd|vopop|git|ffmpeg|ffprobe)\s/;

/** Problems with the blocks that are not type-checked (sh, json, prose), one line each. */
export function checkOtherBlocks(snippets: readonly Snippet[]): string[] {
  const problems: string[] = [];
  for (const snippet of snippets) {
    switch (snippet.language) {
      case 'ts':
      case 'js':
      case 'mjs':
        break;
      case 'sh':
        problems.push(...checkShell(snippet));
        break;
      case 'json':
        if (snippet.code.includes('…')) break;
        try {
          JSON.parse(snippet.code);
        } catch (error) {
          problems.push(`${snippet.at}: not JSON (${(error as Error).message}); mark an excerpt with …`);
        }
        break;
      case 'dockerfile':
        problems.push(...checkDockerfile(snippet));
        break;
      case 'yaml':
        if (/^\t/m.test(snippet.code)) problems.push(`${snippet.at}: YAML indented with a tab`);
        break;
      case '':
      case 'text':
        if (commandStart.test(snippet.code)) problems.push(`${snippet.at}: a command without a language; mark it \`sh\``);
        break;
      default:
        problems.push(`${snippet.at}: no check for language "${snippet.language}"; use ts, js, mjs, sh, json, dockerfile, yaml or none`);
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, marker, file] = process.argv.slice(2);
  if (command !== 'extract' || !marker || !file) {
    process.stderr.write('Usage: tsx scripts/docSnippets.ts extract <marker> <file.md>\n');
    process.exit(2);
  }
  process.stdout.write(markedSnippet(file, marker).code);
}
