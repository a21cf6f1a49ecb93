'use strict';

// A Backstage backend that runs only the software catalog. The Go package backstagetest starts it
// on loopback with a generated app-config:
//
//   node index.js --config app-config.yaml
//
// Plain CommonJS on purpose: no TypeScript build step between npm ci and a test run.

const { createBackend } = require('@backstage/backend-defaults');
const { createBackendModule } = require('@backstage/backend-plugin-api');
const { catalogModelExtensionPoint } = require('@backstage/plugin-catalog-node/alpha');

// The default tag rule accepts only lower-case words joined by dashes, up to 63 characters. Real
// catalogs loosen it, and the sync must cope with what they then hold: upper case, spaces and long
// tags. This rule keeps tags non-empty strings of at most 255 characters.
const looseTags = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'loose-tags',
  register(reg) {
    reg.registerInit({
      deps: { model: catalogModelExtensionPoint },
      async init({ model }) {
        model.setFieldValidators({
          isValidTag: value =>
            typeof value === 'string' && value.trim().length >= 1 && value.length <= 255,
        });
      },
    });
  },
});

const backend = createBackend();
backend.add(require('@backstage/plugin-catalog-backend').default);
// Logs processing errors, so that an entity the catalog refuses shows up in the backend log.
backend.add(require('@backstage/plugin-catalog-backend-module-logs').default);
backend.add(looseTags);

backend.start().catch(error => {
  console.error('backend failed to start:', error);
  process.exit(1);
});
