import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { InvalidArgumentError } from '@vopop/core';
import type { OutputTarget } from '@vopop/node-adapter';
import { checkOutputTarget, createNodePlatform, writeOutputFile } from '@vopop/node-adapter';
import type { ListeningRenderServer, RenderServerLogEvent } from '@vopop/render-server';
import type { CliCommand, CliIo } from './cliIo';
import { exitCodeHelp, exitCodes } from './exitCodes';
import { InterruptedError } from './interruptSignal';
import { parseCommandLine } from './parseCommandLine';
import { receiptSigningKey } from './receiptSigningKey';

const usage = `Usage: vopop serve [options]

Run the reference render server (@vopop/render-server) for \`vopop generate --remote\` and the
SDK's RemoteRenderer: each request renders one aligned face crop and answers with the video and
a signed deletion receipt; nothing is stored.

Options:
  --port <n>                port (default 8787; 0 picks a free one)
  --host <address>          address to listen on (default 127.0.0.1: this machine only)
  --expose                  allow a --host other than loopback (127.x, ::1, localhost). Refused
                            without it because the server speaks plain HTTP: API keys, face
                            crops and videos would cross the network unencrypted. Expose it
                            only behind a TLS-terminating proxy
  --api-key <key>           a key clients must send (16 to 256 visible ASCII characters, no
                            spaces); repeat for several. Default: VOPOP_API_KEY, else a key made
                            for this run and printed
  --signing-key <file>      the Ed25519 private JWK that signs deletion receipts. Default: a key
                            made for this run (receipts then verify only against the public key
                            this run prints)
  --public-key-out <file>   also write the public key there, as the JWK Set a client pins with
                            \`vopop generate --remote <url> --receipt-key <file>\`
  --force                   replace an existing --public-key-out file
  --json                    one JSON object per line: listening, each log event, stopped
  -h, --help                this text

Ctrl-C or SIGTERM stops it: new renders are refused, running ones get 10 s to finish, then they
are aborted and everything they held is purged.

${exitCodeHelp}`;

/** How long running renders may finish after Ctrl-C or SIGTERM before they are aborted and purged. */
const shutdownGraceMs = 10_000;

/** The server's own rule for a key in `Authorization: Bearer <key>`: anything else never matches. */
const apiKeyPattern = /^[\x21-\x7e]{16,256}$/;

/** Hosts that only this machine can reach. */
function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** A port number from `--port`, or `undefined` when it is not one. */
function portOf(value: string | undefined): number | undefined {
  if (value === undefined) return 8787;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  return port >= 0 && port <= 65_535 ? port : undefined;
}

/** One log event as a line for people: counts, codes and times only, as the server logs them. */
function describeLogEvent(event: RenderServerLogEvent): string {
  const parts: string[] = [event.event];
  if (event.status !== undefined) parts.push(String(event.status));
  if (event.code !== undefined) parts.push(event.code);
  if (event.client !== undefined) parts.push(`for ${event.client}`);
  if (event.durationMs !== undefined) parts.push(`in ${Math.round(event.durationMs)} ms`);
  if (event.purged) parts.push(`purged ${event.purged.handles} handles (${event.purged.verified} verified, ${event.purged.failed} failed)`);
  if (event.abortedJobs !== undefined) parts.push(`${event.abortedJobs} running jobs aborted and purged`);
  return `vopop serve: ${parts.join(' ')}\n`;
}

/**
 * Resolves when the run's interrupt fires (Ctrl-C or SIGTERM, see `interruptSignal.ts`), with the
 * signal's name.
 */
function untilStopped(signal: AbortSignal): { readonly stopped: Promise<string>; readonly dispose: () => void } {
  let onAbort = () => undefined as void;
  const stopped = new Promise<string>((resolve) => {
    onAbort = () => resolve(signal.reason instanceof InterruptedError ? signal.reason.signalName : 'SIGINT');
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { stopped, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/** Print where the server is and what a client needs: the URL, the key to pin, the API key. */
function announce(
  io: CliIo,
  json: boolean,
  listening: ListeningRenderServer,
  pin: { readonly keyId: string; readonly jwks: unknown; readonly file?: string },
  generatedApiKey: string | undefined,
): void {
  if (json) {
    const event = {
      event: 'listening',
      url: listening.url,
      port: listening.port,
      keyId: pin.keyId,
      receiptKeys: pin.jwks,
      ...(pin.file === undefined ? {} : { receiptKeyFile: pin.file }),
      ...(generatedApiKey === undefined ? {} : { apiKey: generatedApiKey }),
    };
    io.stdout(`${JSON.stringify(event)}\n`);
    return;
  }
  io.stdout(
    `vopop serve: listening on ${listening.url}\n` +
      `Receipts are signed with key ${pin.keyId}. Clients pin its public key (a JWK Set${pin.file === undefined ? '' : `, written to ${pin.file}`}):\n` +
      `${JSON.stringify(pin.jwks)}\n` +
      (generatedApiKey === undefined ? '' : `API key made for this run: ${generatedApiKey}\n`) +
      `Client: vopop generate <photo> --consent --remote ${listening.url} --api-key <key> --receipt-key ${pin.file ?? '<that JWK Set saved to a file>'}\n` +
      'Ctrl-C stops it.\n',
  );
}

/**
 * `vopop serve`: the reference render server on loopback (by default), with its graceful
 * shutdown wired to Ctrl-C and SIGTERM. Exit 0 after a clean stop; 2 for usage; 3 for an
 * unreadable key file; 9 for a refused --public-key-out; 11 when the address cannot be opened.
 *
 * @internal
 */
export const serveCommand: CliCommand = async (args, io, signal = new AbortController().signal) => {
  const line = parseCommandLine(io, 'vopop serve', usage, args, {
    port: { type: 'string' },
    host: { type: 'string' },
    expose: { type: 'boolean' },
    'api-key': { type: 'string', multiple: true },
    'signing-key': { type: 'string' },
    'public-key-out': { type: 'string' },
    force: { type: 'boolean' },
  });
  if ('exitCode' in line) return line.exitCode;
  const { values, positionals, report } = line;
  const json = values.json === true;
  if (positionals.length > 0) return report.usageError(`unexpected argument "${positionals[0]!.slice(0, 40)}"`);
  const port = portOf(values.port);
  if (port === undefined) return report.usageError('--port must be a whole number from 0 to 65535');
  const host = values.host ?? '127.0.0.1';
  if (!isLoopback(host) && values.expose !== true) {
    return report.usageError(
      `--host ${host.slice(0, 64)} is not loopback: the server speaks plain HTTP, so API keys and faces would cross the network unencrypted. ` +
        'Add --expose only behind a TLS-terminating proxy.',
    );
  }
  const givenKeys = values['api-key'] ?? (process.env.VOPOP_API_KEY ? [process.env.VOPOP_API_KEY] : []);
  if (givenKeys.some((key) => !apiKeyPattern.test(key))) {
    return report.usageError('--api-key must be 16 to 256 visible ASCII characters without spaces');
  }
  const generatedApiKey = givenKeys.length === 0 ? randomBytes(24).toString('base64url') : undefined;
  const apiKeys = Object.fromEntries((generatedApiKey ? [generatedApiKey] : givenKeys).map((key, i) => [key, `key-${i + 1}`]));
  if (signal.aborted) return exitCodes.aborted;

  const stop = untilStopped(signal);
  let platform: Awaited<ReturnType<typeof createNodePlatform>> | undefined;
  let listening: ListeningRenderServer | undefined;
  try {
    const keyFile: OutputTarget | undefined =
      values['public-key-out'] === undefined
        ? undefined
        : await checkOutputTarget(values['public-key-out'], { subject: 'public key', force: values.force === true });
    // Loaded here, not at the top: the server (Hono, SQLite) is for this command only.
    const { createReceiptSigner, createRenderServer, listenRenderServer } = await import('@vopop/render-server');
    const signer = await receiptSigningKey(values['signing-key'], createReceiptSigner);
    platform = await createNodePlatform();
    const server = createRenderServer({
      platform,
      signer,
      apiKeys,
      log: (event) => (json ? io.stdout(`${JSON.stringify(event)}\n`) : io.stderr(describeLogEvent(event))),
    });
    listening = await listenRenderServer(server, { port, hostname: host });
    const jwks = { keys: [signer.publicKey] };
    // Public, so readable by others (0644); written once listening, so a failed start leaves none.
    if (keyFile) await writeOutputFile(keyFile, new TextEncoder().encode(`${JSON.stringify(jwks, null, 2)}\n`), { mode: 0o644 });
    announce(io, json, listening, { keyId: signer.publicKey.kid, jwks, ...(keyFile ? { file: keyFile.path } : {}) }, generatedApiKey);

    const how = await stop.stopped;
    await listening.close(shutdownGraceMs);
    listening = undefined;
    if (json) io.stdout(`${JSON.stringify({ event: 'stopped', signal: how })}\n`);
    else io.stderr(`vopop serve: stopped (${how})\n`);
    return exitCodes.ok;
  } catch (error) {
    // A key file that is not a JWK, or a port that is taken, is the operator's to fix: typed
    // errors with their own exit codes. Anything else is unexpected.
    if (error instanceof InvalidArgumentError) return report.usageError(error.message);
    return report.failure(error);
  } finally {
    stop.dispose();
    await listening?.close(0);
    await platform?.[Symbol.asyncDispose]();
  }
};
