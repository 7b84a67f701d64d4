import { describe, expect, it } from 'vitest';
import { jsonText } from './json-text.js';

describe('jsonText', () => {
  it('writes a lone high or low surrogate (a broken player name in an Edge body) as U+FFFD', () => {
    const params = { playerName: 'Player\ud800X', 'media.name': 'end\udfff' };
    const text = jsonText(params);
    expect(text).toBe('{"playerName":"Player\\ufffdX","media.name":"end\\ufffd"}');
    expect(JSON.parse(text)).toEqual({ playerName: 'Player\ufffdX', 'media.name': 'end\ufffd' });
  });

  it('keeps valid surrogate pairs (emoji) and plain text byte for byte', () => {
    const v = { title: 'Live 🎬 Finale', n: 3, list: ['a', null] };
    expect(jsonText(v)).toBe(JSON.stringify(v));
  });

  it('leaves the text "\\ud800" alone when its backslash is escaped, and fixes keys too', () => {
    expect(jsonText({ path: 'C:\\ud800' })).toBe(JSON.stringify({ path: 'C:\\ud800' }));
    expect(jsonText({ ['k\ud801']: 1, path: '\\\ud802' })).toBe('{"k\\ufffd":1,"path":"\\\\\\ufffd"}');
  });
});
