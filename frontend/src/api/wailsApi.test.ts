import { afterEach, describe, expect, it, vi } from 'vitest';

import { sampleInfo } from '../test/fakeApi';
import { toError, wailsApi } from './wailsApi';

type WailsWindow = Window & { go?: unknown };

function bindInfo(info: () => Promise<unknown>) {
  (window as WailsWindow).go = { app: { SystemService: { Info: info } } };
}

describe('wailsApi', () => {
  afterEach(() => {
    delete (window as WailsWindow).go;
  });

  it('returns what the Go service answers', async () => {
    bindInfo(() => Promise.resolve(sampleInfo));

    await expect(wailsApi.getInfo()).resolves.toEqual(sampleInfo);
  });

  it('turns the Go error string into an Error', async () => {
    bindInfo(() => Promise.reject('reading set-up state: database is locked'));

    await expect(wailsApi.getInfo()).rejects.toThrow('reading set-up state: database is locked');
  });
});

describe('toError', () => {
  it.each([
    ['a string', 'boom', 'boom'],
    ['an Error', new Error('kaput'), 'kaput'],
    ['anything else', { code: 7 }, 'The backend did not answer'],
  ])('turns %s into an Error', (_, reason, message) => {
    const error = toError(reason);

    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe(message);
  });

  it('keeps an Error as it is', () => {
    const original = new Error('kaput');

    expect(toError(original)).toBe(original);
  });

  it('is used for every call', async () => {
    const info = vi.fn(() => Promise.reject('no'));
    bindInfo(info);

    await expect(wailsApi.getInfo()).rejects.toBeInstanceOf(Error);
    expect(info).toHaveBeenCalledOnce();
  });
});
