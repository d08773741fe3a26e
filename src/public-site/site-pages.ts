import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG } from '../config/app-config.token.js';
import type { AppConfig } from '../config/environment.js';
import { SERVER_SECRET } from '../config/server-secret.js';
import type { CheckInResponseDto } from '../follow-ups/follow-ups.dto.js';
import { ProofOfWorkService } from '../proof-of-work/proof-of-work.service.js';
import { MAX_FILES } from '../tips/attachments/multipart.js';
import { SUBMITTER_URGENCIES, TIP_CATEGORIES } from '../tips/tip.entity.js';
import { issueFormToken } from './form-token.js';
import { chooseLanguage, type Lang } from './messages.js';
import { sealReceipt } from './receipt-seal.js';
import { SiteRenderer, type Page, type PageOptions } from './site-renderer.js';

/** The optional and required text fields of the tip form, in page order, with their limits. */
export const TEXT_FIELDS = [
  { name: 'narrative', required: true, multiline: true, rows: 10, max: 100_000 },
  { name: 'location', required: false, multiline: false, rows: 1, max: 2_000 },
  { name: 'occurredAt', required: false, multiline: false, rows: 1, max: 200 },
  { name: 'peopleInvolved', required: false, multiline: true, rows: 3, max: 10_000 },
  { name: 'organisationsInvolved', required: false, multiline: true, rows: 3, max: 10_000 },
  { name: 'contact', required: false, multiline: false, rows: 1, max: 2_000 },
] as const;

const MIB = 1024 * 1024;

export interface FieldError {
  field?: string;
  message: string;
}

/** A page to answer with, as the site's services decide it. */
export interface SitePage {
  status: number;
  page: Page;
  options: PageOptions;
  /** What was left of a refused body was too much to drain: close the connection. */
  closeConnection?: boolean;
}

/**
 * The site's pages and what each one shows: a fresh form token and proof-of-work
 * challenge on every form, the upload limits, errors next to their fields.
 */
@Injectable()
export class SitePages {
  constructor(
    private readonly renderer: SiteRenderer,
    private readonly pow: ProofOfWorkService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SERVER_SECRET) private readonly secret: Buffer,
  ) {}

  language(explicit: unknown, request: FastifyRequest): Lang {
    return chooseLanguage(explicit, request.headers['accept-language']);
  }

  send(reply: FastifyReply, page: SitePage): void {
    if (page.closeConnection) reply.header('Connection', 'close');
    this.renderer.send(reply, page.status, page.page, page.options);
  }

  form(
    status: number,
    lang: Lang,
    values: Readonly<Record<string, string>>,
    errors: FieldError[],
  ): SitePage {
    return {
      status,
      page: 'form',
      options: {
        lang,
        path: '/',
        title: this.renderer.t(lang, errors.length ? 'errors.heading' : 'form.heading'),
        script: true,
        emergency:
          this.config.publicSite.emergencyNotice[lang] ??
          this.renderer.t(lang, 'emergency.default'),
        token: issueFormToken(this.secret, 'tip'),
        pow: this.powData(),
        categories: TIP_CATEGORIES,
        urgencies: SUBMITTER_URGENCIES,
        textFields: TEXT_FIELDS,
        limits: this.limits(),
        values,
        errors,
        fieldErrors: this.fieldErrors(errors),
      },
    };
  }

  receipt(
    status: number,
    lang: Lang,
    reference: string,
    receipt: string,
    errors: FieldError[],
  ): SitePage {
    return {
      status,
      page: 'receipt',
      options: {
        lang,
        // No language links: leaving this page by a link would lose the receipt.
        path: null,
        title: this.renderer.t(lang, 'receipt.heading'),
        reference,
        receipt,
        seal: sealReceipt(this.secret, reference, receipt),
        errors,
        fieldErrors: this.fieldErrors(errors),
      },
    };
  }

  done(lang: Lang): SitePage {
    return {
      status: 200,
      page: 'done',
      options: { lang, path: null, title: this.renderer.t(lang, 'done.heading') },
    };
  }

  followUpForm(status: number, lang: Lang, receipt: string, errors: FieldError[]): SitePage {
    return {
      status,
      page: 'follow-up',
      options: {
        lang,
        path: '/follow-up',
        title: this.renderer.t(lang, errors.length ? 'errors.heading' : 'followUp.heading'),
        values: { receipt },
        errors,
        fieldErrors: this.fieldErrors(errors),
      },
    };
  }

  thread(
    status: number,
    lang: Lang,
    receipt: string,
    checkIn: CheckInResponseDto,
    values: Record<string, string>,
    errors: FieldError[],
    sent: boolean,
  ): SitePage {
    return {
      status,
      page: 'thread',
      options: {
        lang,
        path: '/follow-up',
        title: this.renderer.t(lang, errors.length ? 'errors.heading' : 'followUp.heading'),
        script: checkIn.status !== 'closed',
        receipt,
        checkIn,
        sent,
        token: issueFormToken(this.secret, 'message'),
        pow: this.powData(),
        limits: this.limits(),
        values,
        errors,
        fieldErrors: this.fieldErrors(errors),
      },
    };
  }

  protect(lang: Lang): SitePage {
    return {
      status: 200,
      page: 'protect',
      options: { lang, path: '/protect', title: this.renderer.t(lang, 'protect.heading') },
    };
  }

  private limits() {
    return {
      count: MAX_FILES,
      perFile: Math.floor(this.config.attachmentMaxBytes / MIB),
      total: Math.floor(this.config.uploadMaxBytes / MIB),
    };
  }

  private powData() {
    if (!this.pow.enabled) return undefined;
    const c = this.pow.issue();
    return { challenge: c.challenge, difficulty: c.difficulty, expiresAt: c.expiresAt };
  }

  private fieldErrors(errors: FieldError[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of errors) if (e.field && !(e.field in out)) out[e.field] = e.message;
    return out;
  }
}
