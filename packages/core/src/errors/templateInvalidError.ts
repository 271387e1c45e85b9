import { VopopError } from './vopopError';

/**
 * One problem found in a template manifest.
 *
 * @public
 */
export interface TemplateIssue {
  /**
   * Where in the manifest, as a JSON-ish path: `background.frames[3]`, `faceTrack.points[12][4]`.
   * `(root)` for the manifest as a whole, `(file)` for the file that holds it.
   */
  readonly path: string;
  /** What was wrong there, in words a template author can act on. */
  readonly message: string;
}

/** More issues than this are summarised: a fuzzed or hostile manifest can produce thousands. */
const maxIssues = 50;

/**
 * Thrown when a template manifest (or one of its assets) cannot be used: unknown fields, values
 * out of range, frame counts that disagree, or asset paths that would leave the template's folder.
 *
 * Templates come from template authors, not from end users, so the message names the offending
 * manifest path; it never echoes field values, which may be arbitrary untrusted text.
 *
 * @public
 */
export class TemplateInvalidError extends VopopError {
  readonly code = 'TEMPLATE_INVALID' as const;
  /** Every problem found (at most 50), first one first. Never empty. */
  readonly issues: readonly TemplateIssue[];

  constructor(issues: readonly TemplateIssue[], options?: { cause?: unknown }) {
    const list: TemplateIssue[] =
      issues.length > 0
        ? issues.slice(0, maxIssues).map((issue) => Object.freeze({ path: issue.path, message: issue.message }))
        : [{ path: '(root)', message: 'Template is invalid.' }];
    const first = list[0]!;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length === 2 ? '' : 's'})` : '';
    super(
      `Template is invalid at ${first.path}: ${first.message}${more}. ` +
        'Fix the manifest (see docs/template-v1.schema.json) or pick a built-in template.',
      options,
    );
    this.name = 'TemplateInvalidError';
    this.issues = Object.freeze(list);
  }

  /**
   * The error for one problem at one manifest path, the common case for a template's files:
   * `TemplateInvalidError.at('background.frames[3]', 'the image is 640×480, the template 720×1280')`.
   */
  static at(path: string, message: string, cause?: unknown): TemplateInvalidError {
    return new TemplateInvalidError([{ path, message }], cause === undefined ? undefined : { cause });
  }
}
