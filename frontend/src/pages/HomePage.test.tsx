import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { ApiProvider } from '../api';
import type { Api } from '../api';
import { fakeApi, sampleInfo } from '../test/fakeApi';
import { HomePage } from './HomePage';

function renderPage(api: Api) {
  return render(
    <ApiProvider api={api}>
      <HomePage />
    </ApiProvider>,
  );
}

describe('HomePage', () => {
  it('shows the product name and a loading status while the backend answers', () => {
    const api: Api = { getInfo: () => new Promise(() => {}) };

    renderPage(api);

    expect(
      screen.getByRole('heading', { level: 1, name: 'Backstage Sync for Compass' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Loading app details');
  });

  it('shows the version, the data directory and that nothing is configured yet', async () => {
    const { api } = fakeApi(sampleInfo);

    renderPage(api);

    const setup = await screen.findByRole('region', { name: /set-up/i });
    expect(within(setup).getByText('Not configured yet')).toBeInTheDocument();
    expect(within(setup).getByText(/nothing is synced/)).toBeInTheDocument();
    expect(screen.getByLabelText('Version')).toHaveTextContent('v1.4.0');
    expect(screen.getByLabelText('Data directory')).toHaveTextContent(
      '/home/ada/.config/backstage-sync',
    );
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('says so when the app is configured', async () => {
    const { api } = fakeApi({ ...sampleInfo, configured: true });

    renderPage(api);

    const setup = await screen.findByRole('region', { name: /set-up/i });
    expect(within(setup).getByText('Configured')).toBeInTheDocument();
    expect(within(setup).queryByText('Not configured yet')).not.toBeInTheDocument();
  });

  it('labels demo data clearly', async () => {
    const { api } = fakeApi({ ...sampleInfo, configured: true, demo: true });

    renderPage(api);

    expect(await screen.findByRole('complementary', { name: 'Demo data' })).toHaveTextContent(
      /sample catalog and a simulated Compass site/,
    );
  });

  it('shows no demo label on real data', async () => {
    const { api } = fakeApi({ ...sampleInfo, configured: true });

    renderPage(api);

    await screen.findByRole('region', { name: /set-up/i });
    expect(screen.queryByRole('complementary', { name: 'Demo data' })).not.toBeInTheDocument();
  });

  it('shows the backend error and loads again on retry', async () => {
    const user = userEvent.setup();
    const { api, getInfo } = fakeApi(
      new Error('reading set-up state: database is locked'),
      sampleInfo,
    );

    renderPage(api);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load app details');
    expect(alert).toHaveTextContent('reading set-up state: database is locked');

    await user.click(within(alert).getByRole('button', { name: 'Try again' }));

    expect(await screen.findByLabelText('Version')).toHaveTextContent('v1.4.0');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(getInfo).toHaveBeenCalledTimes(2);
  });

  it('falls back to a generic message when the error has none', async () => {
    const { api } = fakeApi(new Error(''));

    renderPage(api);

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The backend did not say what went wrong.',
    );
  });
});
