// Placeholder until the keys layer lands; replaced by real sources.
