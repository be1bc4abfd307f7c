import { defineConfig } from 'wxt';

export default defineConfig({
  modules: ['@wxt-dev/module-react'],
  manifest: {
    name: 'Abstract Autocomplete',
    description: 'Autocomplete scientific writing with a language model that runs inside your browser.',
  },
});
