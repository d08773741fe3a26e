import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Public } from '../../common/auth/access.decorators.js';
import { SubmitTipDto, type SubmitTipResponseDto } from './submit-tip.dto.js';
import { SubmitTip } from './submit-tip.use-case.js';

@Controller('v1/tips')
export class IntakeController {
  constructor(private readonly submitTip: SubmitTip) {}

  /** Anonymous submission. 201 is sent only after the encrypted tip is committed. */
  @Public()
  @Post()
  @HttpCode(201)
  submit(@Body() body: SubmitTipDto): Promise<SubmitTipResponseDto> {
    return this.submitTip.execute(body);
  }
}
