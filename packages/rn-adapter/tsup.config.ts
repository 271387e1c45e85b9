import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base';

// The peer libraries are never imported here (the app passes their modules in), so the bundle
// holds no native module reference; core stays external as a dependency.
export default defineConfig(packageBuild());
