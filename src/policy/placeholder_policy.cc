// Placeholder until the policy layer lands; replaced by real sources.
