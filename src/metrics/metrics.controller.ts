import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MetricsAccess } from '../common/auth/access.decorators.js';
import { MetricsService } from './metrics.service.js';
import { ServedOn } from '../common/listeners/served-on.decorator.js';

@ApiTags('health')
@ServedOn('staff')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @ApiOperation({
    summary: 'Prometheus metrics',
    description: 'Metrics in the Prometheus text exposition format (0.0.4).',
  })
  @ApiOkResponse({
    description: 'The metrics.',
    content: {
      'text/plain; version=0.0.4; charset=utf-8': {
        schema: { type: 'string', example: '# TYPE tipline_tips_accepted_total counter\n' },
      },
    },
  })
  @MetricsAccess()
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  render(): Promise<string> {
    return this.metrics.render();
  }
}
