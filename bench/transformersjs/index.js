// The one door to transformers.js: resolves from this package's own node_modules, which
// scripts/ensure-transformersjs.sh installs on demand (it is not a dependency of the extension).
export * from '@huggingface/transformers';
