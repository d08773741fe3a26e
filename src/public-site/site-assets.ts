import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface Asset {
  /** Content-hashed file name, e.g. `site.1a2b3c4d5e6f.css`. */
  name: string;
  type: string;
  body: Buffer;
}

const TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};

/** The site's static files, read once, served under names that change with their content. */
export class SiteAssets {
  private readonly byLogical = new Map<string, Asset>();
  private readonly byName = new Map<string, Asset>();

  constructor(directory: URL, logicalNames: readonly string[]) {
    for (const logical of logicalNames) {
      const body = readFileSync(new URL(logical, directory));
      const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
      const dot = logical.lastIndexOf('.');
      const extension = logical.slice(dot + 1);
      const asset = {
        name: `${logical.slice(0, dot)}.${hash}.${extension}`,
        type: TYPES[extension] ?? 'application/octet-stream',
        body,
      };
      this.byLogical.set(logical, asset);
      this.byName.set(asset.name, asset);
    }
  }

  /** The URL of an asset by its source name (`site.css`). */
  url(logical: string): string {
    const asset = this.byLogical.get(logical);
    if (!asset) throw new Error(`No site asset "${logical}"`);
    return `/assets/${asset.name}`;
  }

  find(name: string): Asset | undefined {
    return this.byName.get(name);
  }
}
