import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirs } from './files.js';

describe('makeDirs', () => {
  it('makes every missing level, and is content with folders that are there', () => {
    const root = mkdtempSync(join(tmpdir(), 'goblin-makedirs-'));
    makeDirs(join(root, 'a', 'b', 'c'));
    expect(statSync(join(root, 'a', 'b', 'c')).isDirectory()).toBe(true);
    makeDirs(join(root, 'a', 'b'));
    makeDirs(root);
  });

  it('a file in the way is an error at once, as mkdirSync says it', () => {
    const root = mkdtempSync(join(tmpdir(), 'goblin-makedirs-'));
    writeFileSync(join(root, 'f'), '');
    expect(() => makeDirs(join(root, 'f'))).toThrow(/EEXIST: file already exists, mkdir '.*f'/);
    expect(() => makeDirs(join(root, 'f', 'sub'))).toThrow(/EEXIST/);
  });

  it('a folder that refuses new ones (/proc) is an error, where a recursive mkdirSync never returned', () => {
    expect(() => makeDirs('/proc/goblin-makedirs/x')).toThrow(
      /ENOENT: no such file or directory, mkdir '\/proc\/goblin-makedirs'/,
    );
  });
});
