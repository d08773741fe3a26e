import { Inject, Injectable } from '@nestjs/common';
import { Eta } from 'eta';
import type { FastifyReply } from 'fastify';
import { fileURLToPath } from 'node:url';
import { APP_CONFIG } from '../config/app-config.token.js';
import type { AppConfig } from '../config/environment.js';
import {
  Catalogue,
  DIRECTION,
  LANGUAGE_NAMES,
  LANGUAGES,
  type Lang,
  type Values,
} from './messages.js';
import { SiteAssets } from './site-assets.js';

/** The policy of every page (the API keeps its own, stricter one). */
export const SITE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
  "worker-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export type Page = 'form' | 'receipt' | 'done' | 'follow-up' | 'thread' | 'protect' | 'error';

export interface PageOptions {
  lang: Lang;
  /** The GET path the language links point to; null hides them (a page made by a POST). */
  path: string | null;
  title: string;
  script?: boolean;
  [key: string]: unknown;
}

/**
 * Server-side pages: Eta templates (escaping by default, no inline script or
 * style), every string from the ICU message catalogue of the chosen language.
 */
@Injectable()
export class SiteRenderer {
  readonly catalogue = new Catalogue(new URL('./messages/', import.meta.url));
  readonly assets = new SiteAssets(new URL('./assets/', import.meta.url), [
    'site.css',
    'site.js',
    'pow-worker.js',
  ]);
  private readonly eta = new Eta({
    views: fileURLToPath(new URL('./views/', import.meta.url)),
    cache: true,
    autoEscape: true,
  });

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  t(lang: Lang, key: string, values?: Values): string {
    return this.catalogue.format(lang, key, values);
  }

  render(page: Page, options: PageOptions): string {
    const { lang, path } = options;
    const link = (to: string): string => (lang === 'en' ? to : `${to}?lang=${lang}`);
    const dates = new Intl.DateTimeFormat(lang, {
      dateStyle: 'long',
      timeStyle: 'short',
      timeZone: 'UTC',
    });
    return this.eta.render(page, {
      fieldErrors: {},
      values: {},
      errors: [],
      ...options,
      page,
      dir: DIRECTION[lang],
      pageTitle: options.title,
      organisation: this.config.publicSite.organisationName,
      t: (key: string, values?: Values) => this.t(lang, key, values),
      asset: (name: string) => this.assets.url(name),
      link,
      date: (iso: string) => `${dates.format(new Date(iso))} UTC`,
      languages:
        path === null
          ? []
          : LANGUAGES.map((code) => ({
              code,
              name: LANGUAGE_NAMES[code],
              href: `${path}?lang=${code}`,
            })),
    });
  }

  /** Sends a page with the site's headers: its CSP, no-store (set for every response), HTML. */
  send(reply: FastifyReply, status: number, page: Page, options: PageOptions): void {
    void reply
      .status(status)
      .header('Content-Security-Policy', SITE_CSP)
      .type('text/html; charset=utf-8')
      .send(this.render(page, options));
  }
}
