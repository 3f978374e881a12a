import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../test/support/session';
import { checkOutputPath, writeAll, writeOutputFileSync } from './output-file';

describe('output files', () => {
  let dir: ReturnType<typeof temporaryDirectory>;
  beforeEach(() => {
    dir = temporaryDirectory('keyward-output-');
  });
  afterEach(() => {
    chmodSync(dir.path, 0o755);
    dir.remove();
  });

  it('writes the file whole and leaves nothing else in the folder', () => {
    const target = join(dir.path, 'out.txt');
    writeFileSync(target, 'old');
    expect(writeOutputFileSync(target, (fd) => (writeAll(fd, 'new content'), 42))).toBe(42);
    expect(readFileSync(target, 'utf8')).toBe('new content');
    expect(readdirSync(dir.path)).toEqual(['out.txt']);
  });

  it('keeps the previous file and removes the temporary one when the writer fails mid-write', () => {
    const target = join(dir.path, 'out.txt');
    writeFileSync(target, 'old');
    expect(() =>
      writeOutputFileSync(target, (fd) => {
        writeAll(fd, 'half of it');
        expect(readdirSync(dir.path)).toEqual(['out.txt', expect.stringMatching(/^out\.txt\.partial-\d+-[0-9a-f]{8}$/)]);
        throw new Error('the disk is full');
      }),
    ).toThrow('the disk is full');
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(readdirSync(dir.path)).toEqual(['out.txt']);
  });

  it('names a missing folder, a folder given as the file, and a file given as the folder', () => {
    writeFileSync(join(dir.path, 'plain'), '');
    mkdirSync(join(dir.path, 'sub'));
    const problems = [join(dir.path, 'missing', 'out.txt'), join(dir.path, 'sub'), join(dir.path, 'plain', 'out.txt'), ''].map((path) => {
      try {
        checkOutputPath(path, 'out');
        return 'accepted';
      } catch (error) {
        expect(error).toMatchObject({ code: 'invalid_input', field: 'out' });
        return (error as Error).message.replace(dir.path, 'DIR').replace(dir.path, 'DIR');
      }
    });
    expect(problems).toEqual([
      'cannot write DIR/missing/out.txt: the folder DIR/missing does not exist',
      'cannot write DIR/sub: it is a folder; give the path of a file',
      'cannot write DIR/plain/out.txt: DIR/plain is not a folder',
      'the output file needs a path',
    ]);
    expect(checkOutputPath(join(dir.path, 'sub', 'new.txt'))).toBe(join(dir.path, 'sub', 'new.txt'));
  });

  it.skipIf(process.getuid?.() === 0)('names a folder that cannot be written to, before anything is written', () => {
    chmodSync(dir.path, 0o555);
    expect(() => writeOutputFileSync(join(dir.path, 'out.txt'), () => expect.unreachable())).toThrow(/the folder .* cannot be written to/);
    expect(readdirSync(dir.path)).toEqual([]);
  });
});
