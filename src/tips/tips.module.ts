import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Tip } from './tip.entity.js';
import { MessagesRepository } from './messages.repository.js';
import { NotesRepository } from './notes.repository.js';
import { TipsRepository } from './tips.repository.js';

/** Owns the tip, note, message and attachment tables; intake and triage use it through TipsRepository. */
@Module({
  imports: [TypeOrmModule.forFeature([Tip])],
  providers: [TipsRepository, NotesRepository, MessagesRepository],
  exports: [TipsRepository, NotesRepository, MessagesRepository],
})
export class TipsModule {}
