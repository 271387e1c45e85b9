/* global require, module, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- Metro reads a CommonJS config */
// Metro in a pnpm workspace: watch the repository so that @vopop/* (symlinked) resolve, and
// let Metro read package exports (their `import`/`require` entries point at dist/).
const { getDefaultConfig } = require('@expo/metro-config');
const path = require('node:path');

const config = getDefaultConfig(__dirname);
config.watchFolders = [path.resolve(__dirname, '../..')];
config.resolver.unstable_enableSymlinks = true;
config.resolver.unstable_enablePackageExports = true;
config.resolver.assetExts = [...config.resolver.assetExts, 'tflite'];
module.exports = config;
