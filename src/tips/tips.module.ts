import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Tip } from './tip.entity.js';
import { NotesRepository } from './notes.repository.js';
import { TipsRepository } from './tips.repository.js';

/** Owns the tip and note tables; intake and triage use it through TipsRepository. */
@Module({
  imports: [TypeOrmModule.forFeature([Tip])],
  providers: [TipsRepository, NotesRepository],
  exports: [TipsRepository, NotesRepository],
})
export class TipsModule {}
