// The public site's templates, message catalogues and browser assets are not TypeScript:
// tsc does not emit them, so the build copies them next to the compiled module.
import { cpSync } from 'node:fs';

for (const dir of ['views', 'messages', 'assets']) {
  cpSync(`src/public-site/${dir}`, `dist/src/public-site/${dir}`, { recursive: true });
}
