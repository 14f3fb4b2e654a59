// `npm run build`, second step: the files the compiled code reads at run time besides
// its own modules (the SQL migrations, the console page) go next to it in dist/,
// where `import.meta.url` finds them. Plain JavaScript so it runs without tsx.
import { cpSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
let copied = 0;

function copyAssets(dir) {
  for (const name of readdirSync(path.join(root, dir))) {
    const relative = path.join(dir, name);
    if (statSync(path.join(root, relative)).isDirectory()) copyAssets(relative);
    else if (!/\.ts$/.test(name)) {
      cpSync(path.join(root, relative), path.join(root, 'dist', relative));
      copied++;
    }
  }
}

for (const dir of ['src', 'commands', 'db']) copyAssets(dir);
console.log(`build: ${copied} asset files copied to dist/`);
