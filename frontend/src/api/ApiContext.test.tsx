import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { fakeApi } from '../test/fakeApi';
import { ApiProvider, useApi } from './ApiContext';

function ApiUser() {
  const api = useApi();
  return <p>{typeof api.getInfo}</p>;
}

describe('useApi', () => {
  it('returns the provided api', () => {
    const { api } = fakeApi();

    render(
      <ApiProvider api={api}>
        <ApiUser />
      </ApiProvider>,
    );

    expect(screen.getByText('function')).toBeInTheDocument();
  });

  it('fails clearly without a provider', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});

    expect(() => render(<ApiUser />)).toThrow('useApi needs an ApiProvider above it');
  });
});
