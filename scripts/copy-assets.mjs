// Copies tfjs's WebAssembly binaries into public/tfjs/ so that the site serves them itself:
// nothing is fetched from another host at run time. Runs before every build.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const from = fileURLToPath(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url));
const to = fileURLToPath(new URL('../public/tfjs/', import.meta.url));
mkdirSync(to, { recursive: true });
const binaries = readdirSync(from).filter((f) => f.endsWith('.wasm'));
if (binaries.length === 0) throw new Error(`no .wasm files in ${from}: is @tensorflow/tfjs-backend-wasm installed?`);
for (const file of binaries) copyFileSync(from + file, to + file);
console.log(`copied ${binaries.length} wasm binaries to public/tfjs/`);
