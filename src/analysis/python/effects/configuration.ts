import type { Catalogue } from './types';

// Configuration objects of application frameworks: building or reading one is bookkeeping on a
// dict, whatever the application later does with it (traitlets' Config is a dict subclass that
// Jupyter's kernel managers and clients are configured with).

export const configuration: Catalogue = {
  calls: {
    'traitlets.config.Config': 'neutral',
    'traitlets.config.loader.Config': 'neutral',
  },
  returns: {},
  methods: {},
};
