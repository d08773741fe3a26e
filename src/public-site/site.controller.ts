import {
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../common/app-error.js';
import { Public } from '../common/auth/access.decorators.js';
import { ServedOn } from '../common/listeners/served-on.decorator.js';
import { LimitPerAddress } from '../common/rate-limit/public-rate-limit.guard.js';
import { RECEIPT_ATTEMPTS } from '../follow-ups/receipt-lookup.js';
import { NoJsLimitGuard } from './no-js-limit.guard.js';
import { SiteExceptionFilter } from './site-exception.filter.js';
import { SiteFollowUpsService } from './site-follow-ups.service.js';
import { SitePages } from './site-pages.js';
import { SiteRenderer } from './site-renderer.js';
import { SiteTipsService } from './site-tips.service.js';

/**
 * The public web site: server-rendered pages over the same use cases as the
 * API (SubmitTip, FollowUpsService, ProofOfWorkService), through
 * SiteTipsService and SiteFollowUpsService. Works as plain HTML forms; with
 * JavaScript the proof of work is solved in a Web Worker and the form goes to
 * the `with-proof` route. The receipt travels only in response and request
 * bodies, never in a URL, a log or the database.
 */
@ApiExcludeController()
@ServedOn('public')
@UseFilters(SiteExceptionFilter)
@Controller()
export class SiteController {
  constructor(
    private readonly pages: SitePages,
    private readonly tips: SiteTipsService,
    private readonly followUps: SiteFollowUpsService,
    private readonly renderer: SiteRenderer,
  ) {}

  @Public()
  @Get()
  form(@Query('lang') lang: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    this.pages.send(reply, this.pages.form(200, this.pages.language(lang, request), {}, []));
  }

  @Public()
  @UseGuards(NoJsLimitGuard)
  @Post()
  async submitWithoutScript(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    this.pages.send(reply, await this.tips.submit(request, 'no-js'));
  }

  @Public()
  @Post('tip/with-proof')
  async submitWithProof(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    this.pages.send(reply, await this.tips.submit(request, 'proof'));
  }

  /** The receipt page's confirmation: the fourth word, checked against the sealed receipt. */
  @Public()
  @Post('receipt')
  @HttpCode(200)
  async confirmReceipt(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    this.pages.send(reply, await this.tips.confirmReceipt(request));
  }

  @Public()
  @Get('follow-up')
  followUpForm(
    @Query('lang') lang: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    this.pages.send(
      reply,
      this.pages.followUpForm(200, this.pages.language(lang, request), '', []),
    );
  }

  @Public()
  @LimitPerAddress(RECEIPT_ATTEMPTS)
  @Post('follow-up')
  async checkIn(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    this.pages.send(reply, await this.followUps.checkIn(request));
  }

  @Public()
  @LimitPerAddress(RECEIPT_ATTEMPTS)
  @UseGuards(NoJsLimitGuard)
  @Post('follow-up/message')
  async messageWithoutScript(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    this.pages.send(reply, await this.followUps.message(request, 'no-js'));
  }

  @Public()
  @LimitPerAddress(RECEIPT_ATTEMPTS)
  @Post('follow-up/message/with-proof')
  async messageWithProof(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    this.pages.send(reply, await this.followUps.message(request, 'proof'));
  }

  @Public()
  @Get('protect')
  protect(
    @Query('lang') lang: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    this.pages.send(reply, this.pages.protect(this.pages.language(lang, request)));
  }

  /** Content-hashed names: the only responses that may be cached, for a year. */
  @Public()
  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() reply: FastifyReply) {
    const asset = this.renderer.assets.find(name);
    if (!asset) throw new AppError('not_found', 404, 'No such file.');
    void reply
      .header('Cache-Control', 'public, max-age=31536000, immutable')
      .type(asset.type)
      .send(asset.body);
  }
}
