/**
 * Child of the temp-store sweep test: writes one temp file into the directory given as argv[2],
 * prints its path, and waits to be killed before it can purge.
 */
import { EphemeralScope } from '@vopop/core';
import { NodeTempStore } from '../../tempStore/nodeTempStore';

const store = new NodeTempStore({ directory: process.argv[2]! });
const file = store.write(new EphemeralScope(), 'victim', new Uint8Array(4096).fill(7));
process.stdout.write(`${file.value.path}\n`);
setInterval(() => undefined, 1000);
