// Placeholder until the vault layer lands; replaced by real sources.
