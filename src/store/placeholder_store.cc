// Placeholder until the store layer lands; replaced by real sources.
