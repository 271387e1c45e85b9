/**
 * `@vopop/cli`: the `vopop` command line of the Vopop SDK. Install it and run `vopop --help`.
 * The package's importable part is the table of exit codes, for scripts that start `vopop` from
 * JavaScript and branch on how it ended.
 *
 * @packageDocumentation
 */
export { exitCodes } from './exitCodes';
