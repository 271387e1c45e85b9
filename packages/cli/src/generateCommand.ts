import type { ConsentRecord, LoadedTemplate } from '@vopop/core';
import { assertConsent, defaultTemplateId, generateVideo } from '@vopop/core';
import { checkOutputTarget, writeOutputFile, readPhotoFile, createNodePlatform, loadTemplateFile } from '@vopop/node-adapter';
import type { CliCommand } from './cliIo';
import { backendOption, parseCommandLine } from './parseCommandLine';
import { exitCodeHelp, exitCodes } from './exitCodes';
import { progressBar } from './progressBar';
import { remoteRendering } from './remoteRendering';

const usage = `Usage: vopop generate <photo> [options]

Make a short video of the face in <photo> (JPEG, PNG or WebP), on this machine, then wipe the
photo, the landmarks and every frame from memory.

Options:
  --consent                 confirm that the person in the photo agreed to this (required)
  --template <id|file>      a built-in template id (see \`vopop templates\`) or a manifest file
  --multiple reject|largest what to do with several faces (default: reject, because --consent
                            speaks for one person; largest uses the biggest face and drops the
                            others: only for a photo where that person agreed)
  -o, --output <file>       where to write the video (default: vopop-<template>.mp4 or .webm);
                            checked before any work starts; written as a new file (mode 0600)
                            that appears only when complete
  --force                   replace an existing output file (never a link, folder or device)
  --backend wasm|cpu        tfjs backend (default: wasm, cpu fallback)
  --remote <url>            render on that service: only the aligned face crop is sent, and the
                            video is accepted only with its signed deletion receipt
  --receipt-key <file>      with --remote: the service's public key(s) to pin (JWK or JWK Set)
  --api-key <key>           with --remote: the API key (default: VOPOP_API_KEY)
  --json                    print one JSON object (result or error) instead of text
  -h, --help                this text

${exitCodeHelp}`;

function formatBytes(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`;
}

/**
 * `vopop generate <photo>`: photo → video with a progress bar and a purge summary, or one JSON
 * object with `--json`.
 *
 * @public
 */
export const generateCommand: CliCommand = async (args, io, signal = new AbortController().signal) => {
  const line = parseCommandLine(io, 'vopop generate', usage, args, {
    consent: { type: 'boolean' },
    template: { type: 'string' },
    multiple: { type: 'string' },
    output: { type: 'string', short: 'o' },
    force: { type: 'boolean' },
    backend: { type: 'string' },
    remote: { type: 'string' },
    'receipt-key': { type: 'string' },
    'api-key': { type: 'string' },
  });
  if ('exitCode' in line) return line.exitCode;
  const { values, positionals, report: { usageError, failure: fail } } = line;
  const json = values.json === true;
  if (positionals.length !== 1) return usageError('give exactly one photo');
  if (values.multiple !== undefined && values.multiple !== 'largest' && values.multiple !== 'reject') {
    return usageError('--multiple must be largest or reject');
  }
  const backend = backendOption(values.backend);
  if (backend === 'invalid') return usageError('--backend must be wasm or cpu');

  let remoteOrigin: string | undefined;
  if (values.remote !== undefined) {
    try {
      remoteOrigin = new URL(values.remote).origin;
    } catch {
      return usageError('--remote must be an absolute URL');
    }
  }
  // Consent is the person's, recorded by whoever runs the command; the CLI keeps no copy. With
  // --remote it names the service the face is sent to.
  const consent: ConsentRecord | undefined = values.consent
    ? {
        purpose: 'face-video',
        processing: remoteOrigin ? 'remote-service' : 'on-device',
        noticeVersion: 'vopop-cli-1',
        grantedAt: new Date().toISOString(),
        ...(remoteOrigin ? { remoteOrigins: [remoteOrigin] } : {}),
      }
    : undefined;

  const bar = progressBar(io, io.isTTY && !json);
  try {
    // Consent first: no photo is read and no model is loaded without it (P8).
    if (remoteOrigin) assertConsent(consent, 'remote-service', remoteOrigin);
    else assertConsent(consent, 'on-device');
    const remote = values.remote
      ? await remoteRendering(values.remote, {
          ...(values['api-key'] === undefined ? {} : { apiKey: values['api-key'] }),
          ...(values['receipt-key'] === undefined ? {} : { receiptKeyFile: values['receipt-key'] }),
          signal,
        })
      : undefined;
    let template: string | LoadedTemplate | undefined = values.template;
    // A path (a slash, or .json) is a manifest file, whether or not it exists: a missing one is
    // reported as such, not as an unknown built-in id. Loaded, it carries its own files.
    if (template !== undefined && (/[\\/]/.test(template) || template.endsWith('.json'))) {
      template = await loadTemplateFile(template, { signal });
    }
    // The output is checked before the photo is read, so a bad path costs nothing. The default
    // name's container is known only after encoding: MP4 is checked now (H.264 is there
    // wherever @napi-rs/webcodecs is), a WebM fallback again once it is known.
    const force = values.force === true;
    const templateId = typeof template === 'object' ? template.template.id : (template ?? defaultTemplateId);
    const outputFor = (container: string) => values.output ?? `vopop-${templateId}.${container}`;
    let target = await checkOutputTarget(outputFor('mp4'), { subject: 'video', force });
    // Bounded (no folder, device or FIFO; nothing over the decoder's byte limit) and abortable;
    // the one copy of the bytes, so the purge wipes exactly what was read.
    const photo = await readPhotoFile(positionals[0]!, { signal });
    await using platform = await createNodePlatform({
      ...('backend' in backend ? { detector: backend } : {}),
    }).catch((error: unknown) => {
      // generateVideo has not taken the photo yet: wipe it here.
      photo.fill(0);
      throw error;
    });
    const result = await generateVideo(
      {
        photo,
        consent,
        ...(template === undefined ? {} : { template }),
        // Reject by default: consent is one person's, and a group photo holds others.
        facePolicy: { multiple: (values.multiple ?? 'reject') as 'largest' | 'reject' },
        signal,
        onProgress: bar.update,
      },
      remote ? { ...platform, renderer: remote } : platform,
    );
    bar.done();
    const output = outputFor(result.container);
    try {
      if (values.output === undefined && result.container !== 'mp4') {
        target = await checkOutputTarget(output, { subject: 'video', force });
      }
      await writeOutputFile(target, result.video.value);
    } finally {
      result.video.purge();
    }
    const { totals } = result.receipt;
    const receipt = result.deletionReceipt;
    const stageMs = Object.fromEntries(Object.entries(result.timings).map(([k, v]) => [k, Math.round(v)]));
    if (json) {
      io.stdout(
        `${JSON.stringify({
          output,
          codec: result.codec,
          container: result.container,
          width: result.width,
          height: result.height,
          frames: result.frameCount,
          durationSec: result.durationSec,
          template: result.templateId,
          stageMs,
          purge: totals,
          ...(receipt ? { deletionReceipt: { keyId: receipt.keyId, jws: receipt.jws, ...receipt.payload } } : {}),
        })}\n`,
      );
    } else {
      io.stdout(
        `Wrote ${output} (${result.codec === 'avc' ? 'H.264' : 'VP9'} ${result.container.toUpperCase()}, ` +
          `${result.width}×${result.height}, ${result.frameCount} frames, ${result.durationSec.toFixed(1)} s)\n` +
          `Purged ${totals.wiped} buffers (${formatBytes(totals.bytes)}) holding the photo, its landmarks and ` +
          `every frame; ${totals.verified} of ${totals.wiped} re-read as zeros.\n` +
          (receipt
            ? `Rendered by ${remoteOrigin}: deletion receipt verified (key ${receipt.keyId}), for the crop sent ` +
              `(SHA-256 ${receipt.payload.input.sha256.slice(0, 16)}…): the service wiped ` +
              `${receipt.payload.held.filter((h) => h.phase === 'before-response').map((h) => h.kind).join(', ')} ` +
              'before answering, and the video once sent.\n'
            : ''),
      );
    }
    return exitCodes.ok;
  } catch (error) {
    bar.done();
    return fail(error);
  }
};
