import type { Names } from '../errors';

/**
 * How the action names the flow's settings and words its advice: by its inputs (the settings'
 * own keys), with workflow expressions and docker/metadata-action where they help.
 */
export const ACTION_NAMES: Names = {
  setting: (key) => `input "${key}"`,
  value: (key, value) => `${key}: ${value}`,
  hint: (h) => {
    switch (h.hint) {
      case 'lowercase-repository':
        return '(with ${{ github.repository }}, lowercase it first, e.g. with docker/metadata-action)';
      case 'plain-http':
        return 'list it in insecure-registries';
      case 'index-annotations':
        return 'With docker/metadata-action, set DOCKER_METADATA_ANNOTATIONS_LEVELS: index (or manifest,index) to get index annotations.';
    }
  },
};
