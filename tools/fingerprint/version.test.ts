import { describe, expect, it } from 'vitest';
import { versionCore } from './version.js';

describe('versionCore: one comparable version from every wire spelling', () => {
  it('drops the heartbeat platform prefix, build letter and git hash', () => {
    expect(versionCore('js-2.2.2.230-96e624')).toBe('2.2.2.230');
    expect(versionCore('android-n-1.6.9.99-66a549')).toBe('1.6.9.99');
    expect(versionCore('roku-2.2.7.17-e0ed47')).toBe('2.2.7.17');
  });
  it('drops the Media Collection and Chromecast prefixes (a build number is not a version part)', () => {
    expect(versionCore('android-media-3.0.0')).toBe('3.0.0');
    expect(versionCore('tvos-media-5.0.1')).toBe('5.0.1');
    expect(versionCore('cc-js-3.0.3-2019815')).toBe('3.0.3');
    expect(versionCore('js-3.1.0')).toBe('3.1.0');
  });
  it('keeps an Edge `core+extension` pair whole: neither half alone names the library', () => {
    expect(versionCore('3.3.0+3.0.1')).toBe('3.3.0+3.0.1');
  });
  it('reads an AEP Analytics path token as the Analytics extension version', () => {
    expect(versionCore('ANDN030002030300')).toBe('3.0.2');
  });
  it('is idempotent and keeps what has no dotted run', () => {
    expect(versionCore('2.2.2.230')).toBe('2.2.2.230');
    expect(versionCore('custom')).toBe('custom');
    expect(versionCore('')).toBeNull();
    expect(versionCore(null)).toBeNull();
  });
});
