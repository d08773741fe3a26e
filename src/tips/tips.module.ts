import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Tip } from './tip.entity.js';
import { TipsRepository } from './tips.repository.js';

/** Owns the tip table; intake and triage use it through TipsRepository. */
@Module({
  imports: [TypeOrmModule.forFeature([Tip])],
  providers: [TipsRepository],
  exports: [TipsRepository],
})
export class TipsModule {}
