import { jest } from '@jest/globals';
import { SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { MemoizedReflector } from './memoized-reflector.js';

class Controller {
  @SetMetadata('limit', 5)
  limited(): void {}

  plain(): void {}
}
SetMetadata('scope', 'public')(Controller);

describe('MemoizedReflector', () => {
  it('answers what Reflector answers, for handlers, classes and absent keys', () => {
    const plain = new Reflector();
    const memo = new MemoizedReflector();
    const targets = [Controller.prototype.limited, Controller.prototype.plain, Controller];
    for (const target of targets) {
      for (const key of ['limit', 'scope', 'missing']) {
        for (let i = 0; i < 2; i++) expect(memo.get(key, target)).toBe(plain.get(key, target));
      }
    }
    expect(memo.getAllAndOverride('scope', [Controller.prototype.limited, Controller])).toBe(
      'public',
    );
    expect(
      memo.getAllAndOverride('limit', [Controller.prototype.plain, Controller]),
    ).toBeUndefined();
  });

  it('reads each key of each target once', () => {
    const memo = new MemoizedReflector();
    const read = jest.spyOn(Reflect, 'getMetadata');
    try {
      for (let i = 0; i < 5; i++) {
        memo.getAllAndOverride('limit', [Controller.prototype.limited, Controller]);
        memo.getAllAndOverride('missing', [Controller.prototype.plain, Controller]);
      }
      // limit: found on the handler (1 read); missing: handler and class (2 reads).
      expect(read).toHaveBeenCalledTimes(3);
    } finally {
      read.mockRestore();
    }
  });
});
